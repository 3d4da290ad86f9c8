using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Flags;

/// <summary>How a pupil came to a level: from none, from a lower level, or down from a higher one.</summary>
public enum EnteredAs { New, Escalated, Lowered }

/// <summary>Why an episode ended: the pupil went up or down a level, fell below every threshold, or left the school's roll.</summary>
public enum LeftBecause { Escalated, Lowered, BelowThresholds, LeftSchool }

/// <summary>
/// One period a pupil held one level at one school: entered on a date, left on a later one (or still open). Consecutive
/// episodes of one pupil tell the whole story: new, escalated, lowered, left, and when a rektor was last told.
/// </summary>
public sealed record LevelEpisode(
    long Id, string Skolenhetskod, byte[] PupilKey, Level Level,
    DateOnly EnteredOn, long EnteredRunId, EnteredAs EnteredAs,
    DateOnly? LeftOn, long? LeftRunId, LeftBecause? LeftBecause,
    DateOnly? LastReportedOn)
{
    public bool IsOpen => LeftOn is null;
}

/// <summary>The level_episode table: written by <see cref="FlagStore"/> in the school's transaction, read by digests and reports.</summary>
public sealed class LevelHistoryStore(NpgsqlDataSource db)
{
    private const string Columns = """
        id, skolenhetskod, pupil_key, level, entered_on, entered_run_id, entered_as, left_on, left_run_id, left_because, last_reported_on
        """;

    /// <summary>Records that a digest told the rektor about these pupils on <paramref name="asOf"/>, in the digest's transaction.</summary>
    public async Task MarkReportedAsync(NpgsqlConnection conn, string school, IEnumerable<byte[]> pupilKeys, DateOnly asOf, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand("""
            update level_episode set last_reported_on = @asOf
            where skolenhetskod = @school and left_on is null and pupil_key = any(@keys)
            """, conn);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("keys", pupilKeys.ToArray());
        cmd.Parameters.AddWithValue("asOf", asOf);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The pupils currently at a level at the school, with since when and when they were last reported.</summary>
    public async Task<IReadOnlyList<LevelEpisode>> CurrentAsync(string school, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return [.. (await OpenAsync(conn, school, ct)).Values];
    }

    /// <summary>A pupil's episodes at a school, oldest first.</summary>
    public async Task<IReadOnlyList<LevelEpisode>> ForPupilAsync(string school, byte[] pupilKey, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"""
            select {Columns} from level_episode where skolenhetskod = @school and pupil_key = @key order by entered_on, id
            """);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("key", pupilKey);
        return await ReadAsync(cmd, ct);
    }

    /// <summary>Every episode that was open at some point between the dates (a term, for the term report), optionally for one school.</summary>
    public async Task<IReadOnlyList<LevelEpisode>> OverlappingAsync(DateOnly from, DateOnly to, string? school = null, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"""
            select {Columns} from level_episode
            where entered_on <= @to and (left_on is null or left_on > @from) and (@school::char(8) is null or skolenhetskod = @school)
            order by skolenhetskod, pupil_key, entered_on, id
            """);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        cmd.Parameters.Add(new NpgsqlParameter("school", NpgsqlDbType.Char) { Value = (object?)school ?? DBNull.Value });
        return await ReadAsync(cmd, ct);
    }

    internal static async Task<Dictionary<byte[], LevelEpisode>> OpenAsync(NpgsqlConnection conn, string school, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(OpenEpisodes, conn);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        return (await ReadAsync(cmd, ct)).ToDictionary(e => e.PupilKey, PupilKeyComparer.Instance);
    }

    /// <summary>
    /// The school's open episodes (as <see cref="OpenAsync"/>) and when each of these pupils was last reported there, in any
    /// episode, in one round trip: recording a school's flags starts with both.
    /// </summary>
    internal static async Task<(Dictionary<byte[], LevelEpisode> Open, Dictionary<byte[], DateOnly> LastReported)> OpenAndLastReportedAsync(
        NpgsqlConnection conn, string school, IReadOnlyCollection<byte[]> keys, CancellationToken ct)
    {
        if (keys.Count == 0)
        {
            return (await OpenAsync(conn, school, ct), new Dictionary<byte[], DateOnly>(PupilKeyComparer.Instance));
        }

        await using var batch = new NpgsqlBatch(conn);
        var open = new NpgsqlBatchCommand(OpenEpisodes);
        open.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        batch.BatchCommands.Add(open);
        var reported = new NpgsqlBatchCommand(LastReportedOfPupils);
        reported.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        reported.Parameters.AddWithValue("keys", keys.ToArray());
        batch.BatchCommands.Add(reported);
        await using var r = await batch.ExecuteReaderAsync(ct);
        var episodes = (await ReadEpisodesAsync(r, ct)).ToDictionary(e => e.PupilKey, PupilKeyComparer.Instance);
        await r.NextResultAsync(ct);
        return (episodes, await ReadLastReportedAsync(r, ct));
    }

    private const string OpenEpisodes = $"select {Columns} from level_episode where skolenhetskod = @school and left_on is null";

    private const string LastReportedOfPupils = """
        select pupil_key, max(last_reported_on) from level_episode
        where skolenhetskod = @school and pupil_key = any(@keys) and last_reported_on is not null
        group by pupil_key
        """;

    private static async Task<Dictionary<byte[], DateOnly>> ReadLastReportedAsync(NpgsqlDataReader r, CancellationToken ct)
    {
        var result = new Dictionary<byte[], DateOnly>(PupilKeyComparer.Instance);
        while (await r.ReadAsync(ct))
        {
            result[r.GetFieldValue<byte[]>(0)] = r.GetFieldValue<DateOnly>(1);
        }

        return result;
    }

    /// <summary>The pupils whose open episode is at <paramref name="level"/> and whom no digest has told the rektor about yet.</summary>
    internal static async Task<IReadOnlyList<byte[]>> OpenUntoldAsync(NpgsqlConnection conn, string school, Level level, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select pupil_key from level_episode
            where skolenhetskod = @school and left_on is null and level = @level and last_reported_on is null
            """, conn);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("level", level.ToString());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var keys = new List<byte[]>();
        while (await r.ReadAsync(ct))
        {
            keys.Add(r.GetFieldValue<byte[]>(0));
        }

        return keys;
    }

    /// <summary>The last date a digest told the school's rektor about anyone: the school's last digest; null before its first.</summary>
    internal static async Task<DateOnly?> LastReportedAtSchoolAsync(NpgsqlConnection conn, string school, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select max(last_reported_on) from level_episode where skolenhetskod = @school", conn);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        return await cmd.ExecuteScalarAsync(ct) switch
        {
            DateOnly d => d,
            DateTime t => DateOnly.FromDateTime(t),
            _ => null,
        };
    }

    /// <summary>A pupil's episodes at a school, oldest first, on the caller's connection.</summary>
    internal static async Task<List<LevelEpisode>> ForPupilAsync(NpgsqlConnection conn, string school, byte[] pupilKey, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select {Columns} from level_episode where skolenhetskod = @school and pupil_key = @key order by entered_on, id", conn);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("key", pupilKey);
        return await ReadAsync(cmd, ct);
    }

    /// <summary>The school's episodes still open or closed on or after <paramref name="from"/>, per pupil oldest first, on the caller's connection.</summary>
    internal static async Task<ILookup<byte[], LevelEpisode>> RecentAsync(NpgsqlConnection conn, string school, DateOnly from, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            select {Columns} from level_episode
            where skolenhetskod = @school and (left_on is null or left_on >= @from)
            order by pupil_key, entered_on, id
            """, conn);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("from", from);
        return (await ReadAsync(cmd, ct)).ToLookup(e => e.PupilKey, PupilKeyComparer.Instance);
    }

    /// <summary>Closes the episodes that ended and opens the ones that began, set-based, on the caller's transaction.</summary>
    internal static async Task ApplyAsync(
        NpgsqlConnection conn, long runId, string school, DateOnly asOf,
        IReadOnlyList<(byte[] Key, LeftBecause Because)> closes, IReadOnlyList<(byte[] Key, Level Level, EnteredAs As)> opens, CancellationToken ct)
    {
        if (closes.Count > 0)
        {
            await using var close = new NpgsqlCommand("""
                update level_episode e set left_on = @asOf, left_run_id = @run, left_because = c.because
                from unnest(@keys, @because) as c(pupil_key, because)
                where e.skolenhetskod = @school and e.pupil_key = c.pupil_key and e.left_on is null
                """, conn);
            close.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
            close.Parameters.AddWithValue("asOf", asOf);
            close.Parameters.AddWithValue("run", runId);
            close.Parameters.AddWithValue("keys", closes.Select(c => c.Key).ToArray());
            close.Parameters.AddWithValue("because", closes.Select(c => c.Because.ToString()).ToArray());
            await close.ExecuteNonQueryAsync(ct);
        }

        if (opens.Count > 0)
        {
            await using var open = new NpgsqlCommand("""
                insert into level_episode (skolenhetskod, pupil_key, level, entered_on, entered_run_id, entered_as)
                select @school, n.pupil_key, n.level, @asOf, @run, n.entered_as
                from unnest(@keys, @levels, @as) as n(pupil_key, level, entered_as)
                """, conn);
            open.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
            open.Parameters.AddWithValue("asOf", asOf);
            open.Parameters.AddWithValue("run", runId);
            open.Parameters.AddWithValue("keys", opens.Select(o => o.Key).ToArray());
            open.Parameters.AddWithValue("levels", opens.Select(o => o.Level.ToString()).ToArray());
            open.Parameters.AddWithValue("as", opens.Select(o => o.As.ToString()).ToArray());
            await open.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task<List<LevelEpisode>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await ReadEpisodesAsync(r, ct);
    }

    private static async Task<List<LevelEpisode>> ReadEpisodesAsync(NpgsqlDataReader r, CancellationToken ct)
    {
        var episodes = new List<LevelEpisode>();
        while (await r.ReadAsync(ct))
        {
            episodes.Add(new LevelEpisode(
                r.GetInt64(0), r.GetString(1), r.GetFieldValue<byte[]>(2), Enum.Parse<Level>(r.GetString(3)),
                r.GetFieldValue<DateOnly>(4), r.GetInt64(5), Enum.Parse<EnteredAs>(r.GetString(6)),
                r.IsDBNull(7) ? null : r.GetFieldValue<DateOnly>(7),
                r.IsDBNull(8) ? null : r.GetInt64(8),
                r.IsDBNull(9) ? null : Enum.Parse<LeftBecause>(r.GetString(9)),
                r.IsDBNull(10) ? null : r.GetFieldValue<DateOnly>(10)));
        }

        return episodes;
    }
}
