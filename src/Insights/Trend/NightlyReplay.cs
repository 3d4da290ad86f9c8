using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Notifications.Recipients;

namespace Skolnarvaro.Insights.Trend;

/// <summary>
/// The nightly run replayed over a period for the evaluation: every school, night by night, through the night's own step
/// (<see cref="INightlySchoolStep"/>, which the Worker's nightly run implements with the same calls in the same order) —
/// levels and Trend flags (<see cref="SchoolFlags.AssessAsync(string, DateOnly, ScoringModel, CancellationToken)"/>, with
/// the model being evaluated or thresholds alone), the level history and news, the digest on the school's cadence with its
/// card limit, the cool-down — and what it produced kept as <see cref="ReplayNight"/>s. Nothing of it stays: the run's
/// state tables (flags, level history, digest days, outbox, investigations) are shadowed by empty temporary tables of the
/// same shape in one transaction that is rolled back, so the replay starts as a fresh installation would, and no mail is
/// ever queued for real.
/// </summary>
public sealed class NightlyReplay(
    NpgsqlDataSource db, SchoolImports imports, INightlySchoolStep night, IOptions<NotificationOptions> notifications)
{
    /// <summary>The tables a night's analysis writes or reads state from; everything else (facts, pupils, schools) is read as it is.</summary>
    private static readonly string[] StateTables = ["flag", "level_episode", "school_digest", "outbox", "investigation", "investigation_step"];

    /// <summary>
    /// Replays the nights from <paramref name="from"/> to <paramref name="to"/>: each school's school days (dates with facts)
    /// and its digest days (a digest day in a holiday week goes out too, as the worker's nightly job runs every night).
    /// </summary>
    public async Task<IReadOnlyList<ReplayNight>> ReplayAsync(
        DateOnly from, DateOnly to, ScoringModel model, IProgress<(DateOnly Night, int Done, int Nights)>? progress = null, CancellationToken ct = default)
    {
        var schools = imports.Schools.Select(s => s.Skolenhetskod).ToList();
        var schoolDays = await SchoolDaysAsync(schools, from, to, ct);
        if (schoolDays.Values.All(d => d.Count == 0))
        {
            throw new InvalidOperationException(
                $"No school in the registry (Skolnarvaro:SchoolsFile: {string.Join(", ", schools)}) has facts from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}; " +
                "the nightly run replays the registry's schools. Give the registry the facts were imported with.");
        }

        var nights = DigestDays(schools, from, to, schoolDays);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ShadowStateAsync(conn, ct);
        var produced = new List<ReplayNight>();
        var runId = 0L;
        var dates = nights.SelectMany(n => n.Value).Distinct().Order().ToList();
        for (var i = 0; i < dates.Count; i++)
        {
            progress?.Report((dates[i], i, dates.Count));
            runId++;
            foreach (var school in schools.Where(s => nights[s].Contains(dates[i])))
            {
                var replayed = await night.ReplayAsync(conn, runId, school, dates[i], model, ct);
                produced.Add(replayed with { SchoolDay = schoolDays[school].Contains(dates[i]) });
            }
        }

        await tx.RollbackAsync(ct);
        return produced;
    }

    /// <summary>Per school, the dates with facts in the period: its school days.</summary>
    private async Task<Dictionary<string, HashSet<DateOnly>>> SchoolDaysAsync(IReadOnlyList<string> schools, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var days = schools.ToDictionary(s => s, _ => new HashSet<DateOnly>());
        await using var cmd = db.CreateCommand("select distinct skolenhetskod, date from attendance_fact where date between @from and @to");
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            days.GetValueOrDefault(r.GetString(0))?.Add(r.GetFieldValue<DateOnly>(1));
        }

        return days;
    }

    /// <summary>Per school, its school days and its digest days (a nightly cadence has no digest days of its own beyond those).</summary>
    private Dictionary<string, SortedSet<DateOnly>> DigestDays(IReadOnlyList<string> schools, DateOnly from, DateOnly to, Dictionary<string, HashSet<DateOnly>> schoolDays)
    {
        var nights = schools.ToDictionary(s => s, s => new SortedSet<DateOnly>(schoolDays[s]));
        foreach (var school in schools)
        {
            var (days, _) = notifications.Value.Digest.For(school);
            for (var d = from; d <= to && days is not null; d = d.AddDays(1))
            {
                if (days.Contains(d.DayOfWeek))
                {
                    nights[school].Add(d);
                }
            }
        }

        return nights;
    }

    /// <summary>Empty temporary tables of the same shape, first on the search path for this connection, dropped with the transaction.</summary>
    private static async Task ShadowStateAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        foreach (var table in StateTables)
        {
            await using var cmd = new NpgsqlCommand(
                $"create temporary table {table} (like public.{table} including all) on commit drop", conn);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
