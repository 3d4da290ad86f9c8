using System.Net.Sockets;
using Npgsql;

namespace Skolnarvaro.Worker.Composition;

/// <summary>
/// The connection string checked at start: a malformed one, or a server that cannot be reached or refuses the login, is a
/// configuration error that names the key (exit code 2), not a stack trace. The password is never repeated.
/// </summary>
public static class DatabaseConnection
{
    public const string Key = "ConnectionStrings:" + WorkerHost.ConnectionStringName;

    public static void CheckSyntax(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            throw new ConfigurationException($"{Key}: not a PostgreSQL connection string ({e.Message}); expected e.g. Host=…;Port=5432;Database=…;Username=…;Password=….");
        }
    }

    public static void CheckReachable(string connectionString)
    {
        try
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
        }
        catch (Exception e) when (IsConfiguration(e))
        {
            throw new ConfigurationException($"{Key} ({Describe(connectionString)}): cannot connect to PostgreSQL: {e.Message}");
        }
    }

    private static bool IsConfiguration(Exception e) => e switch
    {
        // invalid_password, invalid_authorization_specification, invalid_catalog_name (no such database)
        PostgresException pg => pg.SqlState is "28P01" or "28000" or "3D000",
        NpgsqlException { InnerException: SocketException or TimeoutException } => true,
        NpgsqlException { IsTransient: true } => true,
        SocketException or TimeoutException => true,
        _ => false,
    };

    private static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"Host={b.Host};Port={b.Port};Database={b.Database};Username={b.Username}";
    }
}
