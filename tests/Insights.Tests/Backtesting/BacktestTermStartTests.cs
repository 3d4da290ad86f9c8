using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Tests;
using Skolnarvaro.Analysis.Tests.Thresholds;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Insights.Backtesting;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Insights.Tests.Backtesting;

/// <summary>
/// The back-test replays the first weeks of a term as the nightly analysis sees them: the recent window reaching back over
/// the summer into VT's last school days, pupils new to the school, the term-to-date share only after enough days.
/// </summary>
public sealed class BacktestTermStartTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string A = TermStartHistory.A;
    private static readonly IReadOnlyList<DateOnly> Ht = TermStartHistory.Ht;
    private readonly TermStartHistory term = new(db);

    private FactHistory History => term.History;

    public Task InitializeAsync() => term.WriteAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private ThresholdAnalysis Analysis(ThresholdOptions? options = null) => term.Analysis(options);

    private Task Attends(string school, byte[] pupil, Func<int, int> absentInVt, Func<int, int> absentInHt) =>
        term.AttendsAsync(school, pupil, absentInVt, absentInHt);

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(14)]
    [InlineData(19)]
    [InlineData(22)]
    public async Task A_replayed_day_at_term_start_flags_the_same_pupils_as_the_nightly_analysis_of_that_day(int day)
    {
        var random = new Random(20260615);
        for (var n = 0; n < 40; n++)
        {
            var rate = random.NextDouble() * 0.35;
            var pupil = FactHistory.Pupil(n);
            Func<int, int> absent = _ => random.NextDouble() < rate ? (random.Next(3) == 0 ? 300 : 60 * random.Next(1, 4)) : 0;
            if (n % 5 == 0)
            {
                await History.DaysAsync(A, pupil, FactHistory.Days(Ht[0], Ht.Count, absent));   // new to the school
            }
            else
            {
                await Attends(A, pupil, absent, absent);
            }
        }

        var analysis = Analysis();
        var candidate = new ThresholdOptions { RecentWindowDays = 15, MinimumTermDaysForTermShare = 5 };

        var replay = await new Backtester(db.DataSource, new AttendanceFactStore(db.DataSource)).RunAsync(new ThresholdOptions(), candidate, Ht[day], Ht[day]);
        var nightly = await analysis.AssessSchoolAsync(A, Ht[day]);
        var nightlyCandidate = await Analysis(candidate).AssessSchoolAsync(A, Ht[day]);

        var night = replay.Nights.Single(n => n.Skolenhetskod == A);
        (night.HighCurrent, night.AtRiskCurrent).Should().Be(
            (nightly.Flagged.Count(a => a.Level == Level.High), nightly.Flagged.Count(a => a.Level == Level.AtRisk)));
        (night.HighCandidate, night.AtRiskCandidate).Should().Be(
            (nightlyCandidate.Flagged.Count(a => a.Level == Level.High), nightlyCandidate.Flagged.Count(a => a.Level == Level.AtRisk)));
        foreach (var level in new[] { Level.AtRisk, Level.High })
        {
            replay.Pupils.Where(p => p.Skolenhetskod == A && p.Level == level && p.CurrentFirst != null).Select(p => p.PupilKey)
                .Should().BeEquivalentTo(nightly.Flagged.Where(a => a.Level >= level).Select(a => a.Figures.PupilKey), $"{level} on day {day + 1}");
        }

        if (day >= 9)
        {
            nightly.Flagged.Should().NotBeEmpty("the history is meant to flag someone");
        }
    }
}
