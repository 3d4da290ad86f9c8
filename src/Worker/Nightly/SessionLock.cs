using Npgsql;

namespace Skolnarvaro.Worker.Nightly;

/// <summary>
/// A PostgreSQL session advisory lock on a connection of its own. It is released when disposed, or by the server when the
/// connection (or its process) dies, so a killed worker never leaves work locked. Released explicitly on dispose: a
/// pooled connection would otherwise keep holding it while idle in the pool.
/// </summary>
public sealed class SessionLock : IAsyncDisposable
{
    private readonly NpgsqlConnection conn;
    private readonly string key;

    private SessionLock(NpgsqlConnection conn, string key)
    {
        this.conn = conn;
        this.key = key;
    }

    /// <summary>Takes the lock without waiting; null when another live session holds it.</summary>
    public static async Task<SessionLock?> TryTakeAsync(NpgsqlDataSource db, string key, CancellationToken ct = default)
    {
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            if (await ExecuteAsync<bool>(conn, "select pg_try_advisory_lock(hashtextextended(@key, 0))", key, ct))
            {
                return new SessionLock(conn, key);
            }
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }

        await conn.DisposeAsync();
        return null;
    }

    /// <summary>Waits for the lock.</summary>
    public static async Task<SessionLock> TakeAsync(NpgsqlDataSource db, string key, CancellationToken ct = default)
    {
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            await ExecuteAsync<object>(conn, "select pg_advisory_lock(hashtextextended(@key, 0))::text", key, ct);
            return new SessionLock(conn, key);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync<bool>(conn, "select pg_advisory_unlock(hashtextextended(@key, 0))", key, CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection is gone, and the lock with it.
        }

        await conn.DisposeAsync();
    }

    private static async Task<T> ExecuteAsync<T>(NpgsqlConnection conn, string sql, string key, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("key", key);
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
