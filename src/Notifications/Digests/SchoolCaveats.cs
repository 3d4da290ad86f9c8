using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Notifications.Recipients;

namespace Skolnarvaro.Notifications.Digests;

/// <summary>
/// A school's data-quality caveats in Swedish, worded as its digest words them: recorded by the night for every school it
/// analyses, read by the rektor's page, whose figures are that night's too. A school no night has analysed has none.
/// </summary>
public sealed class SchoolCaveats(NpgsqlDataSource db, IOptions<NotificationOptions> options)
{
    /// <summary>Records the school's caveats as of <paramref name="asOf"/> on the caller's transaction; an older night does not replace a newer one.</summary>
    public async Task RecordAsync(NpgsqlConnection conn, long runId, string school, DateOnly asOf, DigestDataQuality quality, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into school_caveat (skolenhetskod, as_of, run_id, caveats) values (@school, @asOf, @run, @caveats)
            on conflict (skolenhetskod) do update set as_of = excluded.as_of, run_id = excluded.run_id, caveats = excluded.caveats
                where school_caveat.as_of <= excluded.as_of
            """, conn);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("asOf", asOf);
        cmd.Parameters.AddWithValue("run", runId);
        cmd.Parameters.AddWithValue("caveats", DataQualityCaveats.For(quality, asOf, options.Value.LowReportingRate).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The school's caveats as the last night that analysed it worded them; empty before any night has.</summary>
    public async Task<IReadOnlyList<string>> ForSchoolAsync(string school, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select caveats from school_caveat where skolenhetskod = @school");
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        return await cmd.ExecuteScalarAsync(ct) as string[] ?? [];
    }
}
