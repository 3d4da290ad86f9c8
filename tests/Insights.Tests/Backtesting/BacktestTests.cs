using Microsoft.Extensions.Options;
using Skolnarvaro.Insights.Backtesting;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Patterns;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Analysis.Tests;

namespace Skolnarvaro.Insights.Tests.Backtesting;

/// <summary>
/// Back-testing on a seeded term of varied pupils at two schools: a stricter candidate flags a subset of the current
/// flags and never earlier, a looser one a superset and never later, and each replayed day agrees with the nightly analysis.
/// </summary>
public sealed class BacktestTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string A = "11111111";
    private const string B = "22222222";
    private static readonly IReadOnlyList<DateOnly> Term = TestExports.SchoolDays(new DateOnly(2026, 8, 17), 60);

    private static readonly ThresholdOptions Current = new();
    private static readonly ThresholdOptions Stricter = new()
    {
        AtRisk = new LevelRules { AbsenceShare = 0.15 },
        High = new LevelRules { AbsenceShare = 0.25, ConsecutiveDaysAbsent = 6 },
    };
    private static readonly ThresholdOptions Looser = new()
    {
        MinimumScheduledDays = 8,
        AtRisk = new LevelRules { AbsenceShare = 0.08 },
        High = new LevelRules { AbsenceShare = 0.18, ConsecutiveDaysAbsent = 4 },
    };

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        var history = new FactHistory(db.DataSource);
        await history.SchoolAsync(A);
        await history.SchoolAsync(B, "Independent");
        var random = new Random(20260817);
        for (var n = 0; n < 60; n++)
        {
            var school = n % 3 == 0 ? B : A;
            var rate = random.NextDouble() * 0.35;
            var spellAt = random.Next(2) == 0 ? random.Next(60) : -100;
            var spellLength = random.Next(3, 9);
            var days = FactHistory.Days(Term[0], 60, i =>
                i >= spellAt && i < spellAt + spellLength ? 300
                : random.NextDouble() < rate ? (random.Next(3) == 0 ? 300 : 60 * random.Next(1, 4))
                : 0);
            await history.DaysAsync(school, FactHistory.Pupil(n), days);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Backtester Backtester => new(db.DataSource, new AttendanceFactStore(db.DataSource));

    [Fact]
    public async Task A_stricter_candidate_flags_a_subset_of_the_current_flags_and_never_earlier()
    {
        var result = await Backtester.RunAsync(Current, Stricter, Term[0], Term[^1]);

        foreach (var level in new[] { Level.AtRisk, Level.High })
        {
            var pupils = result.Pupils.Where(p => p.Level == level).ToList();
            pupils.Where(p => p.CandidateFirst is not null).Should().OnlyContain(p => p.CurrentFirst != null, $"every {level} flag of the candidate is also a current flag");
            pupils.Where(p => p.CandidateFirst is not null).Should().OnlyContain(p => p.CandidateFirst >= p.CurrentFirst, "a stricter rule is never earlier");
            pupils.Should().Contain(p => p.CurrentFirst != null && p.CandidateFirst == null, "the stricter rule leaves some pupils out");
        }

        result.Totals.Should().OnlyContain(t => t.OnlyCandidate == 0 && t.Earlier == 0 && t.PupilsCandidate < t.PupilsCurrent);
        result.Schools.Select(r => r.Skolenhetskod).Distinct().Should().BeEquivalentTo([A, B]);
        result.Schools.Should().OnlyContain(r => r.OnlyCandidate == 0 && r.Earlier == 0);
    }

    [Fact]
    public async Task A_looser_candidate_flags_a_superset_and_never_later()
    {
        var result = await Backtester.RunAsync(Current, Looser, Term[0], Term[^1]);

        result.Pupils.Where(p => p.CurrentFirst is not null).Should().OnlyContain(p => p.CandidateFirst != null && p.CandidateFirst <= p.CurrentFirst);
        result.Totals.Should().OnlyContain(t => t.OnlyCurrent == 0 && t.Later == 0);
        result.Totals.Should().Contain(t => t.Earlier > 0 && t.MedianDaysEarlier > 0);
    }

    [Fact]
    public async Task The_same_configuration_as_candidate_changes_nothing()
    {
        var result = await Backtester.RunAsync(Current, new ThresholdOptions(), Term[0], Term[^1]);

        result.Totals.Should().OnlyContain(t => t.PupilsCurrent == t.PupilsCandidate && t.Both == t.PupilsCurrent && t.Same == t.Both
                                                && t.EntriesCurrent == t.EntriesCandidate);
        result.Totals.Should().OnlyContain(t => t.PupilsCurrent > 0);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(30)]
    [InlineData(59)]
    public async Task A_replayed_day_flags_the_same_pupils_as_the_nightly_analysis_of_that_day(int day)
    {
        var analysis = new ThresholdAnalysis(new AttendanceFactStore(db.DataSource), new SubjectFactStore(db.DataSource), Options.Create(Current));

        var replay = await Backtester.RunAsync(Current, Stricter, Term[day], Term[day]);

        foreach (var school in new[] { A, B })
        {
            var nightly = await analysis.AssessSchoolAsync(school, Term[day]);
            foreach (var level in new[] { Level.AtRisk, Level.High })
            {
                replay.Pupils.Where(p => p.Skolenhetskod == school && p.Level == level && p.CurrentFirst != null).Select(p => p.PupilKey)
                    .Should().BeEquivalentTo(nightly.Flagged.Where(a => a.Level >= level).Select(a => a.Figures.PupilKey), $"{school} {level} on day {day}");
            }

            var night = replay.Nights.Single(n => n.Skolenhetskod == school);
            (night.Date, night.TermDay).Should().Be((Term[day], day + 1));
            (night.HighCurrent, night.AtRiskCurrent).Should().Be(
                (nightly.Flagged.Count(a => a.Level == Level.High), nightly.Flagged.Count(a => a.Level == Level.AtRisk)), "flags per night are the nightly run's");
        }
    }

    [Fact]
    public async Task Flags_per_week_count_what_digests_would_have_reported()
    {
        var history = new FactHistory(db.DataSource);
        await db.ResetAsync();
        await history.SchoolAsync(A);
        // One lesson (45 minutes, 15 %) missed every day: riskfrånvaro from day 9, the first day allowed. A spell on days
        // 20–24 takes the recent window to 23.5 % on day 21: hög frånvaro, and it stays so on the term share.
        await history.DaysAsync(A, FactHistory.Pupil(1), FactHistory.Days(Term[0], 60, i => i is >= 20 and <= 24 ? 300 : 45));

        var result = await Backtester.RunAsync(Current, Current, Term[0], Term[59]);

        var atRisk = result.Schools.Single(r => r.Level == Level.AtRisk);
        var high = result.Schools.Single(r => r.Level == Level.High);
        (atRisk.EntriesCurrent, high.EntriesCurrent).Should().Be((1, 1));
        (atRisk.Weeks, atRisk.SchoolDays).Should().Be((12, 60));
        high.PerWeekCurrent.Should().BeApproximately(1.0 / 12, 1e-9);
        result.Pupils.Single(p => p.Level == Level.High).CurrentFirst.Should().Be(Term[21]);
        result.Pupils.Single(p => p.Level == Level.AtRisk).CurrentFirst.Should().Be(Term[9]);
    }
}
