using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Flags;

public enum LevelChange { New, Escalated, Still }

/// <summary>A pupil's level in one run, compared with the previous run: what a digest reports.</summary>
public sealed record FlagRecord(
    byte[] PupilKey, string Skolenhetskod, Level Level, DateOnly Since, LevelChange Change, Level? PreviousLevel,
    IReadOnlyList<string> Descriptions, string FiguresJson);

/// <summary>Records each run's flags; the history of levels (entered, escalated, left) follows from consecutive runs.</summary>
public sealed class FlagStore
{
    /// <summary>
    /// Writes the flags of <paramref name="school"/> for <paramref name="runId"/> on the caller's connection and
    /// transaction, so the digest that reports them can be recorded atomically with them.
    /// </summary>
    public async Task<IReadOnlyList<FlagRecord>> RecordAsync(
        NpgsqlConnection conn, long runId, string school, DateOnly asOf, IEnumerable<Assessment> assessments, CancellationToken ct = default)
    {
        var previous = await PreviousLevelsAsync(conn, runId, school, ct);
        var records = new List<FlagRecord>();
        foreach (var a in assessments)
        {
            if (a.Level is not { } level)
            {
                continue;
            }

            var key = Convert.ToHexString(a.Figures.PupilKey);
            var (change, since, prevLevel) = previous.TryGetValue(key, out var prev)
                ? prev.Level == level ? (LevelChange.Still, prev.Since, prev.Level)
                : level > prev.Level ? (LevelChange.Escalated, asOf, prev.Level)
                // A pupil who went down a level is still watched, but it is news only if they rise again.
                : (LevelChange.Still, asOf, prev.Level)
                : (LevelChange.New, asOf, (Level?)null);
            records.Add(new FlagRecord(a.Figures.PupilKey, school, level, since, change, prevLevel, a.Descriptions,
                JsonSerializer.Serialize(FiguresFor(a))));
        }

        await using var copy = await conn.BeginBinaryImportAsync(
            "copy flag (run_id, skolenhetskod, pupil_key, level, since, change, figures_json, descriptions) from stdin (format binary)", ct);
        foreach (var r in records)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(runId, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(school, NpgsqlDbType.Char, ct);
            await copy.WriteAsync(r.PupilKey, NpgsqlDbType.Bytea, ct);
            await copy.WriteAsync(r.Level.ToString(), NpgsqlDbType.Text, ct);
            await copy.WriteAsync(r.Since, NpgsqlDbType.Date, ct);
            await copy.WriteAsync(r.Change.ToString(), NpgsqlDbType.Text, ct);
            await copy.WriteAsync(r.FiguresJson, NpgsqlDbType.Jsonb, ct);
            await copy.WriteAsync(r.Descriptions.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        }

        await copy.CompleteAsync(ct);
        return records;
    }

    private static object FiguresFor(Assessment a) => new
    {
        scheduledDays = a.Figures.ScheduledDays,
        recentDays = a.Figures.Recent.Days,
        recentAbsenceShare = Math.Round(a.Figures.Recent.AbsenceShare(false), 4),
        recentUnexcusedShare = Math.Round(a.Figures.Recent.UnexcusedShare, 4),
        recentLateMinutes = a.Figures.Recent.LateMinutes,
        termDays = a.Figures.Term.Days,
        termAbsenceShare = Math.Round(a.Figures.Term.AbsenceShare(false), 4),
        longestSpellDays = a.Figures.LongestSpellDays,
    };

    private static async Task<Dictionary<string, (Level Level, DateOnly Since)>> PreviousLevelsAsync(
        NpgsqlConnection conn, long runId, string school, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select f.pupil_key, f.level, f.since
            from flag f
            where f.skolenhetskod = @school
              and f.run_id = (select max(id) from run where id < @run and status = 'Succeeded' and kind = 'nightly')
            """, conn);
        cmd.Parameters.AddWithValue("school", school);
        cmd.Parameters.AddWithValue("run", runId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var levels = new Dictionary<string, (Level, DateOnly)>();
        while (await r.ReadAsync(ct))
        {
            levels[Convert.ToHexString(r.GetFieldValue<byte[]>(0))] = (Enum.Parse<Level>(r.GetString(1)), r.GetFieldValue<DateOnly>(2));
        }

        return levels;
    }
}
