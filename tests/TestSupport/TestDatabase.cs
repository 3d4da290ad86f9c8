using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Npgsql;
using Skolnarvaro.Database;
using Xunit;

namespace Skolnarvaro.TestSupport;

/// <summary>
/// A fresh, migrated PostgreSQL database for one test class, dropped afterwards.
/// <code>
/// public sealed class OutboxStoreTests(TestDatabase db) : IClassFixture&lt;TestDatabase&gt;, IAsyncLifetime
/// {
///     public Task InitializeAsync() => db.ResetAsync();   // each test starts from empty tables
///     public Task DisposeAsync() => Task.CompletedTask;
///     [Fact] public async Task ...() { await using var conn = await db.DataSource.OpenConnectionAsync(); ... }
/// }
/// </code>
/// The server comes from <c>SKOLNARVARO_TEST_DB</c> (set by scripts/test.sh); outside CI it
/// defaults to the private cluster of scripts/postgres.sh. On CI a missing variable fails the tests.
/// </summary>
public sealed partial class TestDatabase : IAsyncLifetime
{
    public const string ServerVariable = "SKOLNARVARO_TEST_DB";

    public const string LocalDefault =
        "Host=127.0.0.1;Port=55432;Username=skolnarvaro;Password=skolnarvaro;Database=skolnarvaro";

    // Databases of crashed runs are recognisable by the creation time in their name.
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(24);
    private static readonly Lazy<Task> SweepOnce = new(() => SweepAbandonedDatabasesAsync(AdminConnectionString()));

    private NpgsqlDataSource? _dataSource;
    private string? _connectionString;

    /// <summary>Name of this fixture's database, e.g. <c>t_250301120000_1f2e3d4c</c>.</summary>
    public string DatabaseName { get; } = string.Create(
        CultureInfo.InvariantCulture, $"t_{DateTime.UtcNow:yyMMddHHmmss}_{RandomNumberGenerator.GetHexString(8, lowercase: true)}");

    /// <summary>Connection string of this fixture's own database (with error details on).</summary>
    public string ConnectionString =>
        _connectionString ?? throw new InvalidOperationException("TestDatabase is not initialised; use it as an xunit fixture or await InitializeAsync().");

    public NpgsqlDataSource DataSource =>
        _dataSource ?? throw new InvalidOperationException("TestDatabase is not initialised; use it as an xunit fixture or await InitializeAsync().");

    /// <summary>The server's admin connection string, from <c>SKOLNARVARO_TEST_DB</c> or the local default.</summary>
    public static string AdminConnectionString()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(ServerVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            throw new InvalidOperationException(
                $"{ServerVariable} is not set. On CI the tests need a real PostgreSQL server and never skip: " +
                $"run them with scripts/test.sh (which starts one) or set {ServerVariable} to an admin connection string.");
        }

        return LocalDefault;
    }

    public async Task InitializeAsync()
    {
        var admin = AdminConnectionString();
        await SweepOnce.Value;

        await ExecuteWithRetryAsync(admin,
            $"""CREATE DATABASE "{DatabaseName}" WITH TEMPLATE template0 ENCODING 'UTF8'""");

        var builder = new NpgsqlConnectionStringBuilder(admin)
        {
            Database = DatabaseName,
            IncludeErrorDetail = true,
        };
        _connectionString = builder.ConnectionString;

        DatabaseMigrator.Migrate(_connectionString);
        _dataSource = NpgsqlDataSource.Create(_connectionString);
    }

    /// <summary>
    /// Empties every table in schema public except the migration journal, and restarts identities, and drops Hangfire's
    /// schema (a worker creates it again): call it at the start of each test so tests in one class do not see each other's rows.
    /// </summary>
    public async Task ResetAsync()
    {
        const string sql = """
            DO $$
            DECLARE tables text;
            BEGIN
                SELECT string_agg(format('%I.%I', schemaname, tablename), ', ')
                  INTO tables
                  FROM pg_tables
                 WHERE schemaname = 'public' AND tablename <> 'schema_version';
                IF tables IS NOT NULL THEN
                    EXECUTE 'TRUNCATE TABLE ' || tables || ' RESTART IDENTITY CASCADE';
                END IF;
                DROP SCHEMA IF EXISTS hangfire CASCADE;
            END $$;
            """;
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
            _dataSource = null;
        }

        if (_connectionString is not null)
        {
            // The migrator's pooled connections would otherwise linger until process exit.
            using (var pooled = new NpgsqlConnection(_connectionString))
            {
                NpgsqlConnection.ClearPool(pooled);
            }

            await ExecuteWithRetryAsync(AdminConnectionString(), $"""DROP DATABASE IF EXISTS "{DatabaseName}" WITH (FORCE)""");
            _connectionString = null;
        }
    }

    // Many test classes create databases at once; a busy or restarting server is retried briefly.
    private static async Task ExecuteWithRetryAsync(string adminConnectionString, string sql)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(adminConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (Exception ex) when (attempt < 5 && IsTransient(ex))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
            catch (Exception ex) when (IsUnreachable(ex))
            {
                throw new InvalidOperationException(
                    $"Cannot reach the test PostgreSQL server ({Describe(adminConnectionString)}): {ex.Message}. " +
                    $"Start it with scripts/postgres.sh, run the tests with scripts/test.sh, or set {ServerVariable}.", ex);
            }
        }
    }

    private static bool IsTransient(Exception ex) => ex switch
    {
        // object_in_use (template busy), too_many_connections, cannot_connect_now (starting up), deadlock.
        PostgresException pg => pg.SqlState is "55006" or "53300" or "57P03" or "40P01",
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    };

    private static bool IsUnreachable(Exception ex) =>
        ex is NpgsqlException { InnerException: SocketException or TimeoutException } or NpgsqlException { IsTransient: true };

    private static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"Host={builder.Host};Port={builder.Port};Username={builder.Username};Database={builder.Database}";
    }

    private static async Task SweepAbandonedDatabasesAsync(string adminConnectionString)
    {
        var names = new List<string>();
        try
        {
            await using var connection = new NpgsqlConnection(adminConnectionString);
            await connection.OpenAsync();
            await using (var command = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE 't\\_%'", connection))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    names.Add(reader.GetString(0));
                }
            }

            foreach (var name in names.Where(IsAbandoned))
            {
                await using var drop = new NpgsqlCommand($"""DROP DATABASE IF EXISTS "{name}" WITH (FORCE)""", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
        catch (NpgsqlException)
        {
            // Best effort only: an unreachable server is reported by the CREATE DATABASE that follows,
            // and a database another run dropped first is no loss.
        }
    }

    private static bool IsAbandoned(string name)
    {
        var match = OwnDatabaseName().Match(name);
        return match.Success
            && DateTime.TryParseExact(match.Groups[1].Value, "yyMMddHHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var created)
            && DateTime.UtcNow - created > AbandonedAfter;
    }

    [GeneratedRegex("^t_([0-9]{12})_[0-9a-f]{8}$")]
    private static partial Regex OwnDatabaseName();
}
