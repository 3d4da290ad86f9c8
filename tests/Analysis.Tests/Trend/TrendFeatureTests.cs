using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Analysis.Tests.Trend;

/// <summary>
/// The features see nothing after their date (that the nightly scoring computes exactly the vector training saw for the
/// same pupil and date is tried beside the training, in Insights.Tests).
/// </summary>
public sealed class TrendFeatureTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly IReadOnlyList<DateOnly> Term = TrendHistory.Term;

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        await TrendHistory.WriteAsync(new FactHistory(db.DataSource), pupils: 80);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void Features_at_a_date_do_not_change_when_the_days_after_it_change()
    {
        var random = new Random(7);
        var days = FactHistory.Days(Term[0], 60, _ => random.NextDouble() < 0.2 ? 60 * random.Next(1, 6) : 0);
        var asOf = Term[35];
        var future = days.Select(d => d.Date > asOf ? d with { Unexcused = 300, Late = 20 } : d).ToArray();
        var cut = days.Where(d => d.Date <= asOf).ToArray();

        var withPast = TrendFeatures.Compute(days.ToArray(), asOf, 7).ToVector();

        withPast.Should().Equal(TrendFeatures.Compute(future, asOf, 7).ToVector(), "facts after the date were changed");
        withPast.Should().Equal(TrendFeatures.Compute(cut, asOf, 7).ToVector(), "facts after the date were left out");
        withPast.Should().NotEqual(TrendFeatures.Compute(future, Term[45], 7).ToVector(), "the check can fail: a later date sees the change");
    }

    [Fact]
    public void A_drift_that_began_last_term_is_seen_on_the_first_days_of_the_next()
    {
        // Absent an hour a day in the last 40 school days of VT, then the same from the first day of HT: the term's own
        // windows hold three days, the window across terms 40, and the end of last term is read on its own.
        var vt = TestExports.SchoolDays(new DateOnly(2026, 4, 13), 45)
            .Select((d, i) => new DayFact(d, FactHistory.Minutes, 0, i >= 5 ? 60 : 0, 0, 0));
        var ht = TestExports.SchoolDays(new DateOnly(2026, 8, 17), 3).Select(d => new DayFact(d, FactHistory.Minutes, 0, 60, 0, 0));
        var days = vt.Concat(ht).ToArray();

        var f = TrendFeatures.Compute(days, days[^1].Date, 7);

        f.Last20.Days.Should().Be(3, "the rules' windows stop at the term");
        f.Last40AcrossTerms.Days.Should().Be(40);
        f.Last40AcrossTerms.Value.Should().BeApproximately(60.0 / FactHistory.Minutes, 1e-9);
        f.PreviousTermEnd!.Value.Value.Should().BeApproximately(60.0 / FactHistory.Minutes, 1e-9);
        f.Smoothed.Should().BeGreaterThan(0.9 * 60.0 / FactHistory.Minutes);
    }

    [Fact]
    public void Absence_beyond_illness_leaves_out_whole_days_of_giltig_franvaro_and_sees_part_days_grow()
    {
        // Ten days ago a three-day illness (whole days, giltig); in the last ten days an ogiltig hour on every other day.
        var days = FactHistory.Days(Term[0], 30, _ => 0).ToArray();
        for (var i = 10; i < 13; i++)
        {
            days[i] = days[i] with { Excused = FactHistory.Minutes };
        }

        for (var i = 20; i < 30; i += 2)
        {
            days[i] = days[i] with { Unexcused = 60 };
        }

        var f = TrendFeatures.Compute(days, days[^1].Date, 7);

        f.BeyondIllness20.Should().BeApproximately(5 * 60.0 / (20 * FactHistory.Minutes), 1e-9, "the illness is left out, the ogiltig hours are not");
        f.BeyondIllnessChange10.Should().BeApproximately(5 * 60.0 / (10 * FactHistory.Minutes), 1e-9);
        TrendFeatures.Names.Should().HaveCount(TrendFeatures.Count).And.OnlyHaveUniqueItems();
        f.ToVector().Should().HaveCount(TrendFeatures.Count);
    }

    [Fact]
    public async Task The_grade_of_an_earlier_school_year_is_one_lower_than_the_grade_last_exported()
    {
        // Pupil 0 was last exported in grade 7 (HT2026); a sample from spring 2026 was in grade 6.
        var pupils = await TrendPupils.ReadAsync(db.DataSource, TrendHistory.School, CancellationToken.None);
        var pupil = pupils[FactHistory.Pupil(0)];

        (pupil.GradeOn(Term[10]), pupil.GradeOn(new DateOnly(2026, 3, 2))).Should().Be((7, 6));
    }
}
