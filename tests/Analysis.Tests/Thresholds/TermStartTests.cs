using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Analysis.Tests.Thresholds;

/// <summary>
/// The first weeks of a term: the recent window reaches back over the summer into VT's last school days at the same
/// school, and the term-to-date share alone flags only once the term has <c>MinimumTermDaysForTermShare</c> days.
/// </summary>
public sealed class TermStartTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string A = TermStartHistory.A;
    private const string B = TermStartHistory.B;
    private static readonly IReadOnlyList<DateOnly> VtEnd = TermStartHistory.VtEnd;
    private static readonly IReadOnlyList<DateOnly> Ht = TermStartHistory.Ht;
    private readonly TermStartHistory term = new(db);

    private FactHistory History => term.History;

    public Task InitializeAsync() => term.WriteAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private ThresholdAnalysis Analysis(ThresholdOptions? options = null) => term.Analysis(options);

    private Task Attends(string school, byte[] pupil, Func<int, int> absentInVt, Func<int, int> absentInHt) =>
        term.AttendsAsync(school, pupil, absentInVt, absentInHt);

    private async Task<Assessment?> AssessAsync(string school, byte[] pupil, DateOnly asOf, ThresholdOptions? options = null) =>
        (await Analysis(options).AssessSchoolAsync(school, asOf)).Flagged.SingleOrDefault(a => a.Figures.PupilKey.SequenceEqual(pupil));

    [Fact]
    public async Task A_pupil_absent_at_the_end_of_VT_and_back_in_HT_is_judged_on_a_recent_window_reaching_over_the_summer()
    {
        var pupil = FactHistory.Pupil(1);
        // Absent every other day of VT's last two weeks (5 of 20 days), present every day of HT.
        await Attends(A, pupil, i => i >= 10 && i % 2 == 0 ? 300 : 0, _ => 0);

        var dayNine = await AssessAsync(A, pupil, Ht[8]);
        var dayTen = await AssessAsync(A, pupil, Ht[9]);
        var dayFifteen = await AssessAsync(A, pupil, Ht[14]);
        var dayTwenty = await AssessAsync(A, pupil, Ht[19]);

        dayNine.Should().BeNull("nine school days of the term are fewer than MinimumScheduledDays, however far the window reaches");
        dayTen!.Level.Should().Be(Level.High, "the last 20 school days are VT's last 10 (5 absent) and HT's first 10: 25 %");
        dayTen.RulesMet.Should().Equal("High:AbsenceShare:Recent");
        (dayTen.Figures.Recent.Days, dayTen.Figures.Recent.From, dayTen.Figures.Recent.To).Should().Be((20, VtEnd[10], Ht[9]));
        (dayTen.Figures.Term.Days, dayTen.Figures.Term.From, dayTen.Figures.ScheduledDays).Should().Be((10, Ht[0], 10), "the term window stays the term");
        dayTen.Figures.Term.AbsenceShare(false).Should().Be(0);
        dayFifteen!.Level.Should().Be(Level.AtRisk, "2 of VT's last 5 days in the window: 10 %");
        dayTwenty.Should().BeNull("the window has left VT behind, and the pupil has been present since");
    }

    [Fact]
    public async Task The_term_share_alone_cannot_flag_before_the_term_has_MinimumTermDaysForTermShare_days()
    {
        var pupil = FactHistory.Pupil(1);
        // Present at the end of VT; absent on HT days 1, 5 and 9: 25 % of the term's 12 days, 15 % of the last 20.
        await Attends(A, pupil, _ => 0, i => i is 0 or 4 or 8 ? 300 : 0);

        var byDefault = await AssessAsync(A, pupil, Ht[11]);
        var withTen = await AssessAsync(A, pupil, Ht[11], new ThresholdOptions { MinimumTermDaysForTermShare = 10 });
        var overriddenForA = await AssessAsync(A, pupil, Ht[11], new ThresholdOptions
        {
            Schools = { [A] = new ThresholdOverride { MinimumTermDaysForTermShare = 12 } },
        });

        byDefault!.Level.Should().Be(Level.AtRisk, "the recent share, 15 %, still flags; the term's 25 % on 12 days may not alone");
        byDefault.RulesMet.Should().Equal("AtRisk:AbsenceShare:Recent");
        withTen!.Level.Should().Be(Level.High);
        withTen.RulesMet.Should().Equal("High:AbsenceShare:Term");
        overriddenForA!.Level.Should().Be(Level.High, "the school's override applies like the other keys");
    }

    [Fact]
    public async Task A_pupil_new_to_the_school_is_judged_on_the_days_they_have_there()
    {
        var pupil = FactHistory.Pupil(1);
        // Absent half of VT's last days at B; at A from HT, absent one day of ten.
        await History.DaysAsync(B, pupil, FactHistory.Days(VtEnd[0], 20, i => i % 2 == 0 ? 300 : 0));
        await History.DaysAsync(A, pupil, FactHistory.Days(Ht[0], Ht.Count, i => i == 3 ? 300 : 0));

        var dayTen = await AssessAsync(A, pupil, Ht[9]);

        dayTen!.Level.Should().Be(Level.AtRisk, "one day of ten at A is 10 %; the window never reaches into another school's days");
        (dayTen.Figures.Recent.Days, dayTen.Figures.Recent.From).Should().Be((10, Ht[0]));
    }

    [Fact]
    public async Task Once_the_term_has_a_whole_recent_window_of_school_days_the_window_stays_in_the_term()
    {
        var pupil = FactHistory.Pupil(1);
        // Absent half of VT's last days; back at A only from HT's eleventh day, present since.
        await History.DaysAsync(A, pupil, FactHistory.Days(VtEnd[0], 20, i => i % 2 == 0 ? 300 : 0));
        await History.DaysAsync(A, pupil, FactHistory.Days(Ht[10], 12, _ => 0));

        var assessment = await Analysis().AssessSchoolAsync(A, Ht[21]);

        assessment.OnRoll.Should().Contain(pupil);
        assessment.Flagged.Should().NotContain(a => a.Figures.PupilKey.SequenceEqual(pupil),
            "the school has 22 school days in the term, so the pupil's 12 days there are all the window holds");
    }

    [Fact]
    public async Task A_pupil_who_left_the_school_in_VT_is_not_judged_in_HT()
    {
        var leaver = FactHistory.Pupil(1);
        await History.DaysAsync(A, leaver, FactHistory.Days(VtEnd[0], 20, _ => 300));

        var assessment = await Analysis().AssessSchoolAsync(A, Ht[9]);

        assessment.Flagged.Should().BeEmpty();
        assessment.OnRoll.Should().NotContain(leaver);
        assessment.PupilsAssessed.Should().Be(1, "only the classmate has days this term");
    }
}
