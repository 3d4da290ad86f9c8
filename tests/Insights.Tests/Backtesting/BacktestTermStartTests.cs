using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Patterns;
using Skolnarvaro.Analysis.Tests;
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
    private const string A = "11111111";
    /// <summary>VT2026's last 20 school days, 18 May – 12 June, and HT2026 from 17 August.</summary>
    private static readonly IReadOnlyList<DateOnly> VtEnd = TestExports.SchoolDays(new DateOnly(2026, 5, 18), 20);
    private static readonly IReadOnlyList<DateOnly> Ht = TestExports.SchoolDays(new DateOnly(2026, 8, 17), 30);

    private FactHistory History => new(db.DataSource);

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        await History.SchoolAsync(A);
        await History.SchoolAsync("22222222");
        // A classmate present throughout, so A has school days at both ends of the summer.
        await Attends(A, FactHistory.Pupil(100), _ => 0, _ => 0);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private ThresholdAnalysis Analysis(ThresholdOptions? options = null) =>
        new(new AttendanceFactStore(db.DataSource), new SubjectFactStore(db.DataSource), Options.Create(options ?? new ThresholdOptions()));

    private async Task Attends(string school, byte[] pupil, Func<int, int> absentInVt, Func<int, int> absentInHt)
    {
        await History.DaysAsync(school, pupil, FactHistory.Days(VtEnd[0], 20, absentInVt));
        await History.DaysAsync(school, pupil, FactHistory.Days(Ht[0], Ht.Count, absentInHt));
    }

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
