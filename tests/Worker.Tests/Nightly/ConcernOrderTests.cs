using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;

namespace Skolnarvaro.Worker.Tests.Nightly;

/// <summary>The nightly run writes each flag with its place in the concern order, the order the digest and the school's page show.</summary>
public sealed class ConcernOrderTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly TestSchool School = new("11111111", "Ängsskolan", "rektor@angsskolan.example.se");
    private static readonly IReadOnlyList<DateOnly> Days = TestExports.SchoolDays(new DateOnly(2026, 9, 7), 20);
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("concern");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_flag_of_a_run_is_written_with_its_rank_in_the_concern_order_high_first()
    {
        TestExports.WriteDays(Path.Combine(temp.Path, "inbox", School.Skolenhetskod, "days.csv"), Days,
            (TestPupil.Create(2013, 3, 1, 11, "Alva", "Berg", "7A"), i => i < 3 ? 300 : 0),                  // 15 %: riskfrånvaro
            (TestPupil.Create(2013, 3, 2, 12, "Bo", "Dahl", "7A", boy: true), i => i < 8 ? 300 : 0),         // 40 %: hög frånvaro
            (TestPupil.Create(2013, 3, 3, 13, "Cilla", "Ek", "7B"), i => i < 2 ? 300 : 0),                   // 10 %: riskfrånvaro
            (TestPupil.Create(2013, 3, 4, 14, "Dan", "Frisk", "7B", boy: true), _ => 0));
        using var host = await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, School), temp.Path);

        var summary = await host.Get<NightlyRun>().RunAsync(Days[^1], dryRun: true);

        var ranks = new List<(string Level, int? Rank)>();
        await using (var cmd = db.DataSource.CreateCommand("select level, concern_rank from flag where run_id = @id order by concern_rank"))
        {
            cmd.Parameters.AddWithValue("id", summary.RunId);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                ranks.Add((r.GetString(0), r.IsDBNull(1) ? null : r.GetInt32(1)));
            }
        }

        ranks.Should().HaveCount(3);
        ranks.Select(x => x.Rank).Should().Equal(1, 2, 3);
        ranks[0].Level.Should().Be("High", "hög frånvaro comes first in the concern order");
    }
}
