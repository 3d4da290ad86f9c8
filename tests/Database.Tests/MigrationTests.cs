using Npgsql;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Database;

namespace Skolnarvaro.Database.Tests;

public sealed class MigrationTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Migrations_apply_to_an_empty_database_and_a_second_run_changes_nothing()
    {
        var tables = await TablesAsync();
        tables.Should().Contain(["school", "pupil", "enrolment", "attendance_fact", "import_file", "quarantined_row", "summary_snapshot", "run", "flag", "outbox"]);
        var applied = await CountAsync("select count(*) from schema_version");
        applied.Should().BeGreaterThan(0);

        DatabaseMigrator.Migrate(db.ConnectionString);

        (await CountAsync("select count(*) from schema_version")).Should().Be(applied);
        (await TablesAsync()).Should().BeEquivalentTo(tables);
    }

    [Fact]
    public async Task Scripts_keep_the_journal_names_they_had_in_the_Worker_so_existing_databases_are_not_migrated_again()
    {
        await using var cmd = db.DataSource.CreateCommand("select scriptname from schema_version order by scriptname");
        await using var r = await cmd.ExecuteReaderAsync();
        var names = new List<string>();
        while (await r.ReadAsync())
        {
            names.Add(r.GetString(0));
        }

        names.Should().Contain("Skolnarvaro.Worker.Database.Migrations.0001_foundation.sql")
            .And.OnlyContain(n => n.StartsWith("Skolnarvaro.Worker.Database.Migrations.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_table_has_a_column_that_could_hold_a_personnummer_in_clear()
    {
        await using var cmd = db.DataSource.CreateCommand("""
            select table_name || '.' || column_name from information_schema.columns
            where table_schema = 'public' and column_name ilike any (array['%personnummer%', '%pnr%', '%ssn%'])
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        r.HasRows.Should().BeFalse("pupils are keyed by a keyed hash; the number itself is never stored");
    }

    private async Task<List<string>> TablesAsync()
    {
        await using var cmd = db.DataSource.CreateCommand("select table_name from information_schema.tables where table_schema = 'public' order by 1");
        await using var r = await cmd.ExecuteReaderAsync();
        var names = new List<string>();
        while (await r.ReadAsync())
        {
            names.Add(r.GetString(0));
        }

        return names;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
