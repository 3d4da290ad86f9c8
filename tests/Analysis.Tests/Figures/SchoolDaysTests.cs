using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Patterns;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Analysis.Tests.Figures;

/// <summary>
/// Whether a school has its recent window's school days in the term is learnt from the one read of its facts: the answer
/// is the whole term's, whichever pupils come first in key order.
/// </summary>
public sealed class SchoolDaysTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string School = "33333333";
    /// <summary>VT2026's last 20 school days, 18 May – 12 June, and HT2026 from 17 August.</summary>
    private static readonly DateOnly VtEnd = new(2026, 5, 18);
    private static readonly IReadOnlyList<DateOnly> Ht = TestExports.SchoolDays(new DateOnly(2026, 8, 17), 25);

    private FactHistory History => new(db.DataSource);

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        await History.SchoolAsync(School);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private ThresholdAnalysis Analysis() =>
        new(new AttendanceFactStore(db.DataSource), new SubjectFactStore(db.DataSource), Options.Create(new ThresholdOptions()));

    [Fact]
    public async Task A_school_whose_first_pupils_show_too_few_days_of_the_term_keeps_the_window_in_the_term()
    {
        // First in key order: a pupil absent through VT's last 20 days who joined HT on its 11th day, absent every third day
        // since (15 days). Last in key order: a pupil present on all 25 days of HT. The school has 25 school days in the term,
        // a whole recent window, so the first pupil is judged on their 15 days of HT, not on 5 more of VT.
        var first = Enumerable.Repeat((byte)0x00, 31).Append((byte)0x01).ToArray();
        var last = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        await History.DaysAsync(School, first, FactHistory.Days(VtEnd, 20, _ => 300));
        await History.DaysAsync(School, first, FactHistory.Days(Ht[10], 15, i => i % 3 == 0 ? 300 : 0));
        await History.DaysAsync(School, last, FactHistory.Days(Ht[0], 25, _ => 0));

        var school = await Analysis().AssessSchoolAsync(School, Ht[^1]);

        var judged = school.Flagged.Should().ContainSingle().Subject;
        judged.Figures.PupilKey.Should().Equal(first);
        judged.Figures.Recent.Days.Should().Be(15, "the term has a whole window of school days: nothing before it counts");
        judged.Figures.Recent.From.Should().Be(Ht[10]);
        school.OnRoll.Should().HaveCount(2);
    }

    [Fact]
    public async Task A_school_with_fewer_school_days_in_the_term_than_a_window_reaches_back_for_every_pupil()
    {
        // The same two pupils nine days into HT (the first pupil with HT's first 15 days instead): the school has nine school
        // days in the term, fewer than a window, so every pupil's window reaches back into VT's last days.
        var first = Enumerable.Repeat((byte)0x00, 31).Append((byte)0x01).ToArray();
        var last = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        await History.DaysAsync(School, first, FactHistory.Days(VtEnd, 20, _ => 300));
        await History.DaysAsync(School, first, FactHistory.Days(Ht[0], 15, _ => 0));
        await History.DaysAsync(School, last, FactHistory.Days(Ht[0], 25, _ => 0));

        var school = await Analysis().AssessSchoolAsync(School, Ht[9]);

        var judged = school.Flagged.Should().ContainSingle().Subject;
        judged.Figures.PupilKey.Should().Equal(first);
        judged.Figures.Recent.Days.Should().Be(20, "ten days of HT and VT's last ten");
        judged.Figures.Recent.From.Should().Be(TestExports.SchoolDays(VtEnd, 20)[10]);
    }
}
