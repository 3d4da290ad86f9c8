using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using Skolnarvaro.Database;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Database.Tests;

/// <summary>Two workers (two service units on a first deployment) migrating the same fresh database at the same moment.</summary>
public sealed class ConcurrentMigrationTests
{
    private const int Rounds = 12;

    [Fact]
    public async Task Two_migrators_started_together_on_a_fresh_database_both_succeed_and_apply_each_script_once()
    {
        var expected = await ReferenceSchemaAsync();

        for (var round = 0; round < Rounds; round++)
        {
            var name = await CreateEmptyDatabaseAsync();
            try
            {
                var connectionString = new NpgsqlConnectionStringBuilder(TestDatabase.AdminConnectionString()) { Database = name, Pooling = false }.ConnectionString;
                using var start = new Barrier(2);
                var migrators = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
                {
                    start.SignalAndWait();
                    DatabaseMigrator.Migrate(connectionString);
                })).ToList();

                var all = Task.WhenAll(migrators);
                await all.ContinueWith(_ => { }, TaskScheduler.Default);
                all.Exception.Should().BeNull($"round {round}: neither migrator may fail, got {all.Exception?.InnerExceptions.FirstOrDefault()}");
                (await SchemaAsync(connectionString)).Should().BeEquivalentTo(expected, $"round {round}: the schema is the one migration alone makes");
            }
            finally
            {
                await ExecuteAsync(TestDatabase.AdminConnectionString(), $"""DROP DATABASE IF EXISTS "{name}" WITH (FORCE)""");
            }
        }
    }

    /// <summary>The journal and the tables of a database migrated by one migrator alone.</summary>
    private static async Task<(List<string> Scripts, List<string> Tables)> ReferenceSchemaAsync()
    {
        var db = new TestDatabase();
        await db.InitializeAsync();
        try
        {
            return await SchemaAsync(db.ConnectionString);
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    private static async Task<(List<string> Scripts, List<string> Tables)> SchemaAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return (await ListAsync(connection, "select scriptname from schema_version order by 1"),
                await ListAsync(connection, "select table_name from information_schema.tables where table_schema = 'public' order by 1"));
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection connection, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var r = await cmd.ExecuteReaderAsync();
        var values = new List<string>();
        while (await r.ReadAsync())
        {
            values.Add(r.GetString(0));
        }

        return values;
    }

    // Named as TestDatabase names its own, so a crashed run's leftovers are swept the same way.
    private static async Task<string> CreateEmptyDatabaseAsync()
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"t_{DateTime.UtcNow:yyMMddHHmmss}_{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
        await ExecuteAsync(TestDatabase.AdminConnectionString(), $"""CREATE DATABASE "{name}" WITH TEMPLATE template0 ENCODING 'UTF8'""");
        return name;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }
}
