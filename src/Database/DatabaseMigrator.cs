using DbUp;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Skolnarvaro.Database;

/// <summary>
/// Applies the versioned SQL scripts under Migrations/, in name order, once each.
/// The CLI, the Hangfire worker and every stage's tests go through here, so they always agree on the schema.
/// </summary>
public static class DatabaseMigrator
{
    // Any constant will do: advisory locks are per database, and only the migrator takes this one.
    private const long MigrationLock = 0x536b6f6c6d696772; // "Skolmigr"

    public static void Migrate(string connectionString, ILogger? logger = null)
    {
        // Two workers started together on a fresh database would both create the journal and the first tables. A session
        // lock held while DbUp runs makes the second wait and then find every script journaled.
        using var lockConnection = new NpgsqlConnection(connectionString);
        lockConnection.Open();
        using (var take = new NpgsqlCommand($"select pg_advisory_lock({MigrationLock})", lockConnection))
        {
            take.ExecuteNonQuery();
        }

        try
        {
            Upgrade(connectionString, logger);
        }
        finally
        {
            using var release = new NpgsqlCommand($"select pg_advisory_unlock({MigrationLock})", lockConnection);
            release.ExecuteNonQuery();
        }
    }

    private static void Upgrade(string connectionString, ILogger? logger)
    {
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, name => name.Contains(".Database.Migrations.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .JournalToPostgresqlTable("public", "schema_version")
            .LogTo(logger is null ? new NoOpUpgradeLog() : new LoggerUpgradeLog(logger))
            .Build();

        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException(
                $"Database migration failed in script '{result.ErrorScript?.Name}': {result.Error.Message}", result.Error);
        }
    }

    private sealed class LoggerUpgradeLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);
        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogInformation(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogError(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
    }
}
