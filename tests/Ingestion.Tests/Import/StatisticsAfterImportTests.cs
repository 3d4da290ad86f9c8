using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Import;

/// <summary>
/// After a large import the facts' planner statistics are gathered at once (ANALYZE), so that the analysis right after
/// it is not planned for the table as it was before; small imports leave them to autovacuum.
/// </summary>
public sealed class StatisticsAfterImportTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("statistics");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_school_import_of_at_least_AnalyzeAfterFacts_facts_analyses_attendance_fact()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault,
            configuration: new Dictionary<string, string?> { ["Skolnarvaro:AnalyzeAfterFacts"] = "5" });
        File.Copy(ImportHarness.Data("days_week1.csv"), temp.File("inbox", "days_week1.csv"));
        var analysedBefore = await AnalyseCountAsync(import);

        var result = await import.Get<SchoolImports>().ImportAsync(ImportHarness.Skolenhetskod, null, new DateOnly(2026, 9, 11), 20);

        result.Files.Should().ContainSingle().Which.FactsWritten.Should().Be(10);
        result.StatisticsRefreshed.Should().BeTrue();
        // ANALYZE of a table this small reads every row: the planner now knows them all.
        (await import.ScalarAsync<float>("select reltuples from pg_class where oid = 'attendance_fact'::regclass")).Should().Be(10);
        (await AnalyseCountAsync(import)).Should().Be(analysedBefore + 1);
    }

    [Fact]
    public async Task A_small_school_import_leaves_the_statistics_to_autovacuum()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        File.Copy(ImportHarness.Data("days_week1.csv"), temp.File("inbox", "days_week1.csv"));
        var analysedBefore = await AnalyseCountAsync(import);

        var result = await import.Get<SchoolImports>().ImportAsync(ImportHarness.Skolenhetskod, null, new DateOnly(2026, 9, 11), 20);

        result.Files.Should().ContainSingle().Which.Status.Should().Be(ImportStatus.Imported);
        result.StatisticsRefreshed.Should().BeFalse();
        (await AnalyseCountAsync(import)).Should().Be(analysedBefore);
    }

    [Fact]
    public async Task AnalyzeAfterFacts_below_zero_is_refused_at_start_naming_the_key()
    {
        var start = () => ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault,
            configuration: new Dictionary<string, string?> { ["Skolnarvaro:AnalyzeAfterFacts"] = "-1" });

        (await start.Should().ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>())
            .Which.Message.Should().Contain("Skolnarvaro:AnalyzeAfterFacts = -1");
    }

    private static async Task<long> AnalyseCountAsync(ImportHarness import) =>
        await import.ScalarAsync<long>("select analyze_count from pg_stat_user_tables where relid = 'attendance_fact'::regclass");
}
