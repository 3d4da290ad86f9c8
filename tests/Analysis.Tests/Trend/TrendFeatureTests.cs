using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Analysis.Tests.Trend;

/// <summary>
/// The features see nothing after their date, and the nightly scoring computes exactly the vector training saw for the
/// same pupil and date.
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
    public async Task Training_features_at_a_date_equal_the_nightly_features_computed_after_every_later_fact_is_deleted()
    {
        var date = Term[34];
        var training = await SamplesOnAsync(date);

        await using (var cmd = db.DataSource.CreateCommand("delete from attendance_fact where date > @d"))
        {
            cmd.Parameters.AddWithValue("d", date);
            (await cmd.ExecuteNonQueryAsync()).Should().BeGreaterThan(0);
        }

        var nightly = await NightlyFeaturesAsync(date);

        nightly.Should().HaveCountGreaterThan(40);
        foreach (var (key, vector) in nightly)
        {
            training.ContainsKey(key).Should().BeTrue("every pupil the nightly run may flag was a training candidate that day");
            vector.Should().Equal(training[key], "the features of {0} may only use facts up to {1:yyyy-MM-dd}", Convert.ToHexString(key)[..8], date);
        }
    }

    [Fact]
    public async Task Nightly_scoring_computes_the_same_feature_vector_as_training_for_the_same_pupil_and_date()
    {
        foreach (var date in new[] { Term[19], Term[39] })
        {
            var training = await SamplesOnAsync(date);
            var nightly = await NightlyFeaturesAsync(date);

            nightly.Should().NotBeEmpty();
            foreach (var (key, vector) in nightly)
            {
                vector.Should().Equal(training[key]);
            }
        }
    }

    [Fact]
    public async Task The_grade_of_an_earlier_school_year_is_one_lower_than_the_grade_last_exported()
    {
        // Pupil 0 was last exported in grade 7 (HT2026); a sample from spring 2026 was in grade 6.
        var pupils = await TrendPupils.ReadAsync(db.DataSource, TrendHistory.School, CancellationToken.None);
        var pupil = pupils[FactHistory.Pupil(0)];

        (pupil.GradeOn(Term[10]), pupil.GradeOn(new DateOnly(2026, 3, 2))).Should().Be((7, 6));
    }

    private async Task<Dictionary<byte[], float[]>> SamplesOnAsync(DateOnly date)
    {
        var samples = await TrendHistory.Dataset(db).BuildAsync(Term[0], Term[^1], new ThresholdOptions(), new TrendLabelling(3, TrendLabel.Crossing));
        return samples.Where(s => s.Date == date).ToDictionary(s => s.PupilKey, s => s.Features, PupilKeyComparer.Instance);
    }

    private async Task<Dictionary<byte[], float[]>> NightlyFeaturesAsync(DateOnly date)
    {
        var assessment = await TrendHistory.Analysis(db).AssessSchoolAsync(TrendHistory.School, date);
        var candidates = await TrendHistory.Scoring(db, TrendHistory.Options()).CandidatesAsync(TrendHistory.School, date, assessment);
        return candidates.ToDictionary(c => c.Figures.PupilKey, c => c.Features.ToVector(), PupilKeyComparer.Instance);
    }
}
