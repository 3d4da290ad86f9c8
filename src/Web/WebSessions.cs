using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Skolnarvaro.Web;

/// <summary>
/// Sessions kept on the server (table web_session), so that signing out ends a session for good: the cookie names its
/// session by a random id, and each request is served only while that session is open and has not been idle longer than
/// Skolnarvaro:Web:SessionLength. Only a hash of the id is stored.
/// </summary>
public sealed class WebSessions(NpgsqlDataSource db, TimeProvider time, IOptions<WebOptions> options)
{
    public const string IdClaim = "session";

    /// <summary>Opens a session for the user and returns its id, for the cookie's claim.</summary>
    public async Task<string> StartAsync(string email, CancellationToken ct)
    {
        var id = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        await using (var insert = Command("insert into web_session (id_hash, email, started_at, seen_at) values (@id, @email, @now, @now)", id))
        {
            insert.Parameters.AddWithValue("email", email);
            await insert.ExecuteNonQueryAsync(ct);
        }

        // The table holds e-mail addresses: a session over for a day is no longer needed.
        await using var forget = Command("delete from web_session where coalesce(ended_at, seen_at + @length) < @now - interval '1 day'", id);
        await forget.ExecuteNonQueryAsync(ct);
        return id;
    }

    /// <summary>Whether the session is still open (then its idle time starts again).</summary>
    public async Task<bool> TouchAsync(string id, CancellationToken ct)
    {
        await using var touch = Command(
            "update web_session set seen_at = @now where id_hash = @id and ended_at is null and seen_at + @length > @now returning 1", id);
        return await touch.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>Ends the session: its cookie opens nothing from now on, on any worker.</summary>
    public async Task EndAsync(string id, CancellationToken ct)
    {
        await using var end = Command("update web_session set ended_at = @now where id_hash = @id and ended_at is null", id);
        await end.ExecuteNonQueryAsync(ct);
    }

    public static string? IdOf(ClaimsPrincipal? user) => user?.FindFirstValue(IdClaim);

    private NpgsqlCommand Command(string sql, string id)
    {
        var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("id", SHA256.HashData(Encoding.UTF8.GetBytes(id)));
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        command.Parameters.AddWithValue("length", options.Value.SessionLength);
        return command;
    }
}
