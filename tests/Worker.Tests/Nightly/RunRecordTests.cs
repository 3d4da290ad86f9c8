using Microsoft.Extensions.Options;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;
using Skolnarvaro.Worker.Runs;

namespace Skolnarvaro.Worker.Tests.Nightly;

/// <summary>Every run records the configuration it used and a hash anyone can check; a bad threshold stops the start.</summary>
public sealed class RunRecordTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly TestSchool School = new("11111111", "Ängsskolan", "rektor@angsskolan.example.se");
    private static readonly IReadOnlyList<DateOnly> Days = TestExports.SchoolDays(new DateOnly(2026, 9, 7), 20);
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("runs");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    private async Task<T> ScalarAsync<T>(string sql, long runId)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue("id", runId);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_run_stores_its_configuration_and_a_hash_that_can_be_checked_from_the_stored_json()
    {
        using var host = await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, School), temp.Path);
        var runs = host.Get<RunStore>();

        var first = await runs.StartAsync("nightly", Days[0], """{"thresholds":{"AtRisk":{"AbsenceShare":0.1}},"b":1}""");
        var reordered = await runs.StartAsync("nightly", Days[0], """{ "b": 1, "thresholds": { "AtRisk": { "AbsenceShare": 0.1 } } }""");
        var other = await runs.StartAsync("nightly", Days[0], """{"thresholds":{"AtRisk":{"AbsenceShare":0.12}},"b":1}""");

        var (json, hash) = await runs.ConfigurationAsync(first);
        json.Should().Contain("\"AbsenceShare\": 0.1");
        hash.Should().MatchRegex("^[0-9a-f]{64}$");
        (await ScalarAsync<bool>("select config_sha256 = encode(sha256(convert_to(config_json::text, 'UTF8')), 'hex') from run where id = @id", first)).Should().BeTrue();
        (await runs.ConfigurationAsync(reordered)).Sha256.Should().Be(hash, "the same configuration has the same hash whatever its key order");
        (await runs.ConfigurationAsync(other)).Sha256.Should().NotBe(hash);
        (await runs.HashAsync("""{"b":1,"thresholds":{"AtRisk":{"AbsenceShare":0.1}}}""")).Should().Be(hash);
    }

    [Fact]
    public async Task The_nightly_run_records_the_effective_thresholds_with_their_overrides_and_marks_digested_pupils_reported()
    {
        TestExports.WriteDays(Path.Combine(temp.Path, "inbox", School.Skolenhetskod, "days.csv"), Days,
            (TestPupil.Create(2013, 3, 1, 11, "Alva", "Berg", "7A"), i => i < 3 ? 300 : 0),       // 15 %
            (TestPupil.Create(2013, 3, 2, 12, "Bo", "Dahl", "7A", boy: true), i => i < 2 ? 300 : 0)); // 10 %
        using var host = await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, School), temp.Path,
            new Dictionary<string, string?>
            {
                ["Skolnarvaro:Thresholds:Schools:11111111:AtRisk:AbsenceShare"] = "0.12",
                ["Skolnarvaro:Thresholds:Driftsform:Independent:RecentWindowDays"] = "15",
            });

        var summary = await host.Get<NightlyRun>().RunAsync(Days[^1], dryRun: true);

        summary.AtRisk.Should().Be(1, "the school's own 12 % leaves Bo's 10 % unflagged");
        (await ScalarAsync<string>("select config_json #>> '{thresholds,Schools,11111111,AtRisk,AbsenceShare}' from run where id = @id", summary.RunId))
            .Should().Be("0.12");
        (await ScalarAsync<string>("select config_json #>> '{thresholds,Driftsform,Independent,RecentWindowDays}' from run where id = @id", summary.RunId))
            .Should().Be("15");
        (await ScalarAsync<string>("select config_json #>> '{thresholds,AtRisk,AbsenceShareWindow}' from run where id = @id", summary.RunId))
            .Should().Be("RecentOrTerm");
        (await ScalarAsync<bool>("select config_sha256 = encode(sha256(convert_to(config_json::text, 'UTF8')), 'hex') from run where id = @id", summary.RunId))
            .Should().BeTrue();
        (await ScalarAsync<string>("select last_reported_on::text from level_episode where left_on is null and entered_run_id = @id", summary.RunId))
            .Should().Be(Days[^1].ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "the digest that reported Alva says so in her level history");
    }

    [Theory]
    [InlineData("Skolnarvaro:Thresholds:High:AbsenceShare", "0.05", "Skolnarvaro:Thresholds:High:AbsenceShare = 0.05: below Skolnarvaro:Thresholds:AtRisk:AbsenceShare = 0.1")]
    [InlineData("Skolnarvaro:Thresholds:RecentWindowDays", "0", "Skolnarvaro:Thresholds:RecentWindowDays = 0: a window must be at least 1 school day")]
    [InlineData("Skolnarvaro:Thresholds:AtRisk:AbsenseShare", "0.12", "Skolnarvaro:Thresholds:AtRisk:AbsenseShare: unknown key")]
    [InlineData("Skolnarvaro:Thresholds:Schools:99999999:AtRisk:AbsenceShare", "0.12", "Skolnarvaro:Thresholds:Schools:99999999: no school with skolenhetskod 99999999")]
    public async Task A_bad_threshold_stops_the_start_with_a_message_naming_the_key_and_value(string key, string value, string expected)
    {
        var start = () => PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, School), temp.Path,
            new Dictionary<string, string?> { [key] = value });

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Failures.Should().Contain(f => f.StartsWith(expected, StringComparison.Ordinal));
    }
}
