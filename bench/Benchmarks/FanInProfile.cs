using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Runs;

namespace Skolnarvaro.Benchmarks;

/// <summary>
/// Where the nightly fan-in spends its time, on the database the last <c>nightly</c> round left (<c>bench_nightly</c>,
/// its first night done): per school the assessment, the flags' and level history's statements, the digest's news, and
/// — for comparison — the flagged pupils' days read by key against the whole school's read the news used to make; each
/// school in a transaction that is rolled back, so every round sees the same database. Summed over the schools, median
/// over the rounds. Not a ratio: a map for the next cut.
/// </summary>
public static class FanInProfile
{
    public static async Task<int> RunAsync(string folder, string db, int rounds)
    {
        using var host = await WorkerHost.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Skolnarvaro"] = db,
            ["Skolnarvaro:SchoolsFile"] = Path.Combine(folder, "schools.json"),
            ["Skolnarvaro:Pseudonymisation:Key"] = "benchmark-key-benchmark-key-benchmark-key",
            ["Skolnarvaro:Demo:Enabled"] = "false",
        });
        var data = host.Get<NpgsqlDataSource>();
        var flags = host.Get<SchoolFlags>();
        var facts = host.Get<AttendanceFactStore>();
        var runs = host.Get<RunStore>();
        var asOf = new DateOnly(2026, 11, 13);
        var codes = new List<string>();
        await using (var cmd = data.CreateCommand("select skolenhetskod from school order by skolenhetskod"))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                codes.Add(r.GetString(0));
            }
        }

        var names = new[] { "assess (facts read once, figures, levels)", "flags and level history", "news (episodes, days, investigations, rank)",
                            "  of which: flagged pupils' days by key", "  before: the whole school read for them" };
        var times = names.ToDictionary(n => n, _ => new List<double>());
        var runId = await runs.StartAsync("nightly", asOf, """{"benchmark":"fan-in profile"}""");
        var flagged = 0;
        for (var round = 1; round <= rounds; round++)
        {
            var sums = new double[names.Length];
            flagged = 0;
            foreach (var code in codes)
            {
                var sw = Stopwatch.StartNew();
                var levels = await flags.AssessAsync(code, asOf);
                sums[0] += sw.Elapsed.TotalSeconds;
                await using var conn = await data.OpenConnectionAsync();
                await using var tx = await conn.BeginTransactionAsync();
                sw.Restart();
                var recorded = await flags.RecordAsync(conn, runId, levels);
                sums[1] += sw.Elapsed.TotalSeconds;
                sw.Restart();
                await flags.NewsAsync(conn, levels, recorded, reminderCooldownDays: 14);
                sums[2] += sw.Elapsed.TotalSeconds;
                await tx.RollbackAsync();

                var keys = recorded.All.Select(f => f.PupilKey).ToList();
                flagged += keys.Count;
                var from = new DateOnly(2026, 8, 17) < asOf.AddDays(-63) ? new DateOnly(2026, 8, 17) : asOf.AddDays(-63);
                sw.Restart();
                await facts.ReadPupilsAsync(code, keys, from, asOf);
                sums[3] += sw.Elapsed.TotalSeconds;
                sw.Restart();
                var wanted = keys.ToHashSet(PupilKeyComparer.Instance);
                var kept = new Dictionary<byte[], DayFact[]>(PupilKeyComparer.Instance);
                await foreach (var (key, days) in facts.ReadPupilsAsync(code, from, asOf))
                {
                    if (wanted.Contains(key))
                    {
                        kept[key] = [.. days];
                    }
                }

                sums[4] += sw.Elapsed.TotalSeconds;
            }

            for (var i = 0; i < names.Length; i++)
            {
                times[names[i]].Add(sums[i]);
            }
        }

        await runs.FinishAsync(runId, true, "{}");
        Console.WriteLine($"fan-in profile: {codes.Count} schools, {flagged:N0} pupils at a level, {rounds} rounds");
        foreach (var n in names)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {n,-48} {Stats.Describe(times[n], "s")}"));
        }

        return 0;
    }
}
