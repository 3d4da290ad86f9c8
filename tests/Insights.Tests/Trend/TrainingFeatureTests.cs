using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Tests;
using Skolnarvaro.Analysis.Tests.Trend;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Insights.Tests.Trend;

/// <summary>The nightly scoring computes exactly the vector training saw for the same pupil and date, from facts up to it.</summary>
public sealed class TrainingFeatureTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly IReadOnlyList<DateOnly> Term = TrendHistory.Term;

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        await TrendHistory.WriteAsync(new FactHistory(db.DataSource), pupils: 80);
    }

    public Task DisposeAsync() => Task.CompletedTask;

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

    private async Task<Dictionary<byte[], float[]>> SamplesOnAsync(DateOnly date)
    {
        var samples = await TrendDesk.Dataset(db).BuildAsync(Term[0], Term[^1], new ThresholdOptions(), new TrendLabelling(3, TrendLabel.Crossing));
        return samples.Where(s => s.Date == date).ToDictionary(s => s.PupilKey, s => s.Features, PupilKeyComparer.Instance);
    }

    private async Task<Dictionary<byte[], float[]>> NightlyFeaturesAsync(DateOnly date)
    {
        var assessment = await TrendHistory.Analysis(db).AssessSchoolAsync(TrendHistory.School, date);
        var candidates = await TrendHistory.Scoring(db, TrendHistory.Options()).CandidatesAsync(TrendHistory.School, date, assessment);
        return candidates.ToDictionary(c => c.Figures.PupilKey, c => c.Features.ToVector(), PupilKeyComparer.Instance);
    }
}
