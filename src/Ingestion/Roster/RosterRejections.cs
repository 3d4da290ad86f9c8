using Npgsql;

namespace Skolnarvaro.Ingestion.Roster;

/// <summary>A roster a school sent that was refused whole (the roster in force stayed), with the message it got.</summary>
public sealed record RejectedRoster(string Skolenhetskod, string FileName, string Message);

/// <summary>The rosters a nightly run refused, for the analysts' run report and <c>status</c>: a school's mentors go unchanged until it sends a good one.</summary>
public sealed class RosterRejections(NpgsqlDataSource db)
{
    public async Task<IReadOnlyList<RejectedRoster>> InRunAsync(long runId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            select skolenhetskod, file_name, message from roster_import
            where run_id = @run and status = 'Rejected' order by skolenhetskod, id
            """);
        cmd.Parameters.AddWithValue("run", runId);
        var rejected = new List<RejectedRoster>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            rejected.Add(new RejectedRoster(r.GetString(0).Trim(), r.GetString(1), r.GetString(2)));
        }

        return rejected;
    }
}
