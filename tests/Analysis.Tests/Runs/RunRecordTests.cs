using Skolnarvaro.Analysis.Runs;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Analysis.Tests.Runs;

/// <summary>Every run records the configuration it used and a hash anyone can check (the nightly run's record: Worker.Tests/Nightly/RunRecordTests).</summary>
public sealed class RunRecordTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly IReadOnlyList<DateOnly> Days = TestExports.SchoolDays(new DateOnly(2026, 9, 7), 20);

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<T> ScalarAsync<T>(string sql, long runId)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue("id", runId);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_run_stores_its_configuration_and_a_hash_that_can_be_checked_from_the_stored_json()
    {
        var runs = new RunStore(db.DataSource, TimeProvider.System);

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
}
