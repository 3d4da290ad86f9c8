using Npgsql;

namespace Skolnarvaro.Ingestion.Schools;

/// <summary>Keeps the school table in step with the registry in configuration.</summary>
public sealed class SchoolRegistryStore(NpgsqlDataSource db)
{
    public async Task SyncAsync(IEnumerable<SchoolSettings> schools, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        foreach (var school in schools)
        {
            await UpsertAsync(conn, school, ct);
        }
    }

    public async Task UpsertAsync(NpgsqlConnection conn, SchoolSettings school, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into school (skolenhetskod, name, driftsform, huvudman, updated_at)
            values (@code, @name, @driftsform, @huvudman, now())
            on conflict (skolenhetskod) do update set
                name = excluded.name, driftsform = excluded.driftsform, huvudman = excluded.huvudman, updated_at = excluded.updated_at
            where (school.name, school.driftsform, school.huvudman) is distinct from (excluded.name, excluded.driftsform, excluded.huvudman)
            """, conn);
        cmd.Parameters.AddWithValue("code", school.Skolenhetskod);
        cmd.Parameters.AddWithValue("name", school.Name);
        cmd.Parameters.AddWithValue("driftsform", school.Driftsform.ToString());
        cmd.Parameters.AddWithValue("huvudman", school.Huvudman);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
