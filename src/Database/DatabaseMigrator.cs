using DbUp;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;

namespace Skolnarvaro.Database;

/// <summary>
/// Applies the versioned SQL scripts under Migrations/, in name order, once each.
/// The CLI, the Hangfire worker and every stage's tests go through here, so they always agree on the schema.
/// </summary>
public static class DatabaseMigrator
{
    public static void Migrate(string connectionString, ILogger? logger = null)
    {
        // Serialises concurrent starts (two workers, parallel test classes) on the same database.
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
