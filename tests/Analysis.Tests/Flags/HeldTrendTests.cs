using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Analysis.Tests.Flags;

/// <summary>
/// A Trend flag the model raised on some night since the last digest reaches the next digest even when the model's score
/// no longer reaches its cut-off by the digest day; once a digest has told the rektor, it is held no longer.
/// </summary>
public sealed class HeldTrendTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string School = "11111111";
    private static readonly IReadOnlyList<DateOnly> Term = TestExports.SchoolDays(new DateOnly(2026, 9, 7), 30);
    private static readonly byte[] Pupil = FactHistory.Pupil(1);
    private ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        var history = new FactHistory(db.DataSource);
        await history.SchoolAsync(School);
        await history.DaysAsync(School, Pupil, FactHistory.Days(Term[0], Term.Count, i => i is 12 or 18 ? 120 : 0));
        services = new ServiceCollection().AddSingleton(db.DataSource).AddSingleton(TimeProvider.System).AddLogging()
            .AddAnalysis(new ConfigurationBuilder().Build(), AppContext.BaseDirectory).BuildServiceProvider();
    }

    public async Task DisposeAsync() => await services.DisposeAsync();

    [Fact]
    public async Task A_Trend_flag_raised_midweek_is_held_until_a_digest_has_told_the_rektor()
    {
        var raised = await NightAsync(Term[15], scoredAtCutOff: true);
        var heldOnTheDigestDay = await NightAsync(Term[18], scoredAtCutOff: false);
        await MarkToldAsync(Term[18]);
        var afterTheDigest = await NightAsync(Term[19], scoredAtCutOff: false);

        (raised.Recorded.All.Single().Level, raised.Recorded.All.Single().Change).Should().Be((Level.Trend, LevelChange.New));
        var held = heldOnTheDigestDay.News.Pupils.Single();
        (held.Flag.Level, held.Flag.Since, held.Reason).Should().Be((Level.Trend, Term[15], ReportReason.New),
            "the rektor has not been told yet: the flag is still news on the digest day");
        afterTheDigest.Recorded.All.Should().BeEmpty("told, and the model no longer sees the rise");
    }

    [Fact]
    public async Task A_pupil_the_rules_put_at_a_level_is_not_held_as_Trend_beside_it()
    {
        await NightAsync(Term[15], scoredAtCutOff: true);

        var next = await NightAsync(Term[16], scoredAtCutOff: false, atRisk: true);

        next.Recorded.All.Select(f => (f.Level, f.Change)).Should().Equal((Level.AtRisk, LevelChange.Escalated));
    }

    /// <summary>
    /// One night of the school: the rules' assessment (the pupil at no level, or at riskfrånvaro), the model's Trend flag when
    /// its score reaches the cut-off, and what the model would flag if a flag were held.
    /// </summary>
    private async Task<(RecordedFlags Recorded, SchoolNews News)> NightAsync(DateOnly night, bool scoredAtCutOff, bool atRisk = false)
    {
        var assessment = await services.GetRequiredService<ThresholdAnalysis>().AssessSchoolAsync(School, night, new ThresholdOptions());
        var figures = PupilFigures.Compute(Pupil, School, FactHistory.Days(Term[0], Term.Count, i => i is 12 or 18 ? 120 : 0).Where(d => d.Date <= night).ToList(), night, 20);
        var trend = new Assessment(figures, Level.Trend, ["Frånvaron har ökat"]);
        var flagged = atRisk ? [new Assessment(figures, Level.AtRisk, ["Frånvaro 10 %"])] : scoredAtCutOff ? [trend] : new List<Assessment>();
        var levels = new SchoolLevels(assessment with { Flagged = flagged }, new Dictionary<byte[], PupilConcern>(PupilKeyComparer.Instance))
        {
            HoldTrend = key => atRisk ? null : trend,
        };
        await using var conn = await db.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var result = await services.GetRequiredService<SchoolFlags>().RecordWithNewsAsync(conn, await RunAsync(conn, night), levels, reminderCooldownDays: 14);
        await tx.CommitAsync();
        return result;
    }

    private async Task MarkToldAsync(DateOnly night)
    {
        await using var conn = await db.DataSource.OpenConnectionAsync();
        await services.GetRequiredService<SchoolFlags>().MarkReportedAsync(conn, School, [Pupil], night);
    }

    private static async Task<long> RunAsync(NpgsqlConnection conn, DateOnly asOf)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into run (kind, started_at, as_of, status, config_json, config_sha256) values ('nightly', now(), @asOf, 'Running', '{}', '') returning id
            """, conn);
        cmd.Parameters.AddWithValue("asOf", asOf);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
