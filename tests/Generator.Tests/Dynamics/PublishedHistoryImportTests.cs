using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skolnarvaro.Ingestion;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Schools;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Generator.Tests.Dynamics;

/// <summary>The second generator's output is what schools send: deterministic per seed, and every file imports through the real importer.</summary>
public sealed class PublishedHistoryImportTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly DateOnly From = new(2025, 8, 18);

    private static GeneratorOptions Options(string dir, int seed, int pupils, DateOnly asOf) =>
        new(dir, Seed: seed, Pupils: pupils, Schools: 8, From: From, AsOf: asOf, Dynamics: HistoryDynamics.Published);

    [Fact]
    public void The_same_seed_writes_the_same_bytes_and_another_seed_different_ones()
    {
        using var temp = TestFiles.CreateTempDirectory("published-seed");
        var asOf = new DateOnly(2026, 2, 20);

        SampleGenerator.Generate(Options(temp.File("a"), 11, 300, asOf));
        SampleGenerator.Generate(Options(temp.File("b"), 11, 300, asOf));
        SampleGenerator.Generate(Options(temp.File("c"), 12, 300, asOf));

        var a = PublishedHistoryFiles.TreeHash(temp.File("a"));
        a.Should().Be(PublishedHistoryFiles.TreeHash(temp.File("b")));
        a.Should().NotBe(PublishedHistoryFiles.TreeHash(temp.File("c")));
        File.Exists(temp.File("a", SampleGenerator.TruthFileName)).Should().BeTrue();
        File.Exists(temp.File("a", Generator.Dynamics.PublishedHistory.OutbreaksFileName)).Should().BeTrue();
    }

    [Fact]
    public void The_published_history_differs_from_the_drift_history_of_the_same_seed()
    {
        using var temp = TestFiles.CreateTempDirectory("published-vs-drift");
        var asOf = new DateOnly(2025, 10, 3);

        SampleGenerator.Generate(Options(temp.File("p"), 11, 200, asOf));
        SampleGenerator.Generate(Options(temp.File("d"), 11, 200, asOf) with { Dynamics = HistoryDynamics.Drift });

        PublishedHistoryFiles.Registry(temp.File("p")).Select(s => s.Code)
            .Should().NotIntersectWith(PublishedHistoryFiles.Registry(temp.File("d")).Select(s => s.Code));
    }

    [Fact]
    public async Task Every_file_of_a_three_term_history_imports_through_the_real_importer()
    {
        using var temp = TestFiles.CreateTempDirectory("published-import");
        var result = SampleGenerator.Generate(Options(temp.Path, 5, 400, new DateOnly(2026, 11, 20)));
        using var host = Start(db, temp.File(SampleGenerator.SchoolsFileName));
        var importer = host.GetRequiredService<InboxImporter>();

        var results = new List<ImportResult>();
        foreach (var school in host.GetRequiredService<ImportedSchools>().All)
        {
            results.AddRange(await importer.ImportInboxAsync(school));
        }

        results.Should().HaveCount(result.Files);
        results.Where(r => r.Status != ImportStatus.Imported).Select(r => $"{r.File}: {r.Status} {r.Message}").Should().BeEmpty();
        // The exporter spoils under 1 % of rows on purpose (bad personnummer, impossible dates); nothing else is quarantined.
        results.Sum(r => r.RowsQuarantined).Should().BeLessThan(results.Sum(r => r.RowsRead) / 100);
        await using var cmd = db.DataSource.CreateCommand("select count(distinct pupil_key), min(date), max(date) from attendance_fact");
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        reader.GetInt64(0).Should().BeInRange(400, result.Pupils);
        reader.GetFieldValue<DateOnly>(1).Should().BeOnOrAfter(From);
        reader.GetFieldValue<DateOnly>(2).Should().Be(new DateOnly(2026, 11, 20));
    }

    /// <summary>The Ingestion stage composed as the worker composes it, on the test database, from the generated registry.</summary>
    private static ServiceProvider Start(TestDatabase db, string schoolsFile)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(schoolsFile, optional: false, reloadOnChange: false)
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Skolnarvaro:Demo:Enabled"] = "false",
                ["Skolnarvaro:Pseudonymisation:Key"] = TestSchools.PseudonymisationKey,
                ["Skolnarvaro:Plausibility:SchoolYearsBack"] = "2",
            })
            .Build();
        return new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System)
            .AddSingleton(db.DataSource)
            .AddIngestion(configuration, Path.GetDirectoryName(Path.GetFullPath(schoolsFile))!)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
