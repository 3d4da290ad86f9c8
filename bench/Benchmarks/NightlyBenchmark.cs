using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Insights.Trend;
using Skolnarvaro.Worker.Nightly;
using Skolnarvaro.Worker.Runs;

namespace Skolnarvaro.Benchmarks;

/// <summary>
/// A whole nightly run against PostgreSQL's own COPY of the same files, measured in the same run: a municipality of
/// <c>pupils</c> pupils at schools of 1,000, each school with a term-long lessons export (about 500,000 rows a school).
/// (a) psql \copy of every file into a typed table; (b) the nightly run as <c>skolnarvaro run-once</c> and the workers'
/// jobs do it (import every school, data quality, figures and levels, flags, digests written as .eml), in a child
/// process so its peak memory is its own. The first night is measured: every file new, every flagged pupil news.
/// Then the cost of the trend model: a model is trained on the term (3-week horizon, one term is all there is), and
/// later nights on the same data are timed with it active and with thresholds only, alternately; the ratio's goal is 1.15.
/// </summary>
public static class NightlyBenchmark
{
    private const int PupilsPerSchool = 1000;

    public static async Task<int> RunAsync(int pupils, int rounds, int trendRounds, string admin, string work)
    {
        var schools = Math.Max(1, pupils / PupilsPerSchool);
        var folder = Path.Combine(work, $"nightly-{pupils}");
        var codes = Enumerable.Range(0, schools).Select(s => (88_000_000 + s).ToString(CultureInfo.InvariantCulture)).ToList();
        var files = codes.Select(c => Path.Combine(folder, "inbox", c, "lessons.csv")).ToList();
        if (!files.All(File.Exists))
        {
            var sw = Stopwatch.StartNew();
            long rows = 0;
            for (var s = 0; s < schools; s++)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(files[s])!);
                rows += LessonsFile.Write(files[s], long.MaxValue, s * PupilsPerSchool, PupilsPerSchool);
            }

            Console.WriteLine($"generated {schools} term-long lessons exports, {rows:N0} rows in {sw.Elapsed.TotalSeconds:N1} s: {folder}");
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "schools.json"), $$"""
            { "Skolnarvaro": { "Schools": [ {{string.Join(",\n", codes.Select((c, i) =>
                $$"""{ "Skolenhetskod": "{{c}}", "Name": "Bänkskola {{i}}", "Driftsform": "{{(i % 4 == 3 ? "Independent" : "Municipal")}}", "Huvudman": "Bänkstads kommun", "Profile": "lessons-default", "Inbox": "inbox/{{c}}", "Rektorer": [ { "Name": "Rektor {{i}}", "Email": "rektor{{i}}@bankstad.example.se" } ] }"""))}} ] } }
            """);
        var megabytes = files.Sum(f => new FileInfo(f).Length) / 1e6;
        var lines = files.Sum(f => File.ReadLines(f).LongCount() - 1);

        // Five rounds, each a fresh pair: (a) psql \copy of every file into a fresh database, one after the other as the
        // nightly imports them, parsing by the server; (b) our first night in another fresh database, in a child process.
        // The order alternates, and before each side the server is made quiet (no autovacuum worker busy, a checkpoint), so
        // neither side pays for the other's 10 million rows: see docs/benchmarks.md's note on the first run.
        var ratios = new List<double>();
        var oursTimes = new List<double>();
        var copyTimes = new List<double>();
        var peaks = new List<double>();
        string[] childLines = [];
        Console.WriteLine($"{pupils:N0} pupils, {schools} schools, {lines:N0} lesson rows ({megabytes:N0} MB), {rounds} rounds");
        for (var round = 1; round <= rounds; round++)
        {
            double copy = 0, ours = 0, peakMb = 0;
            var trend = round == rounds ? trendRounds : 0;
            foreach (var side in round % 2 == 1 ? new[] { 'a', 'b' } : ['b', 'a'])
            {
                var waited = await Quiet.WaitAsync(admin);
                if (side == 'a')
                {
                    var baselineDb = await ImportBenchmark.FreshDatabaseAsync(admin, "bench_nightly_copy");
                    await CopyBaseline.CreateTableAsync(baselineDb);
                    var psql = Stopwatch.StartNew();
                    foreach (var file in files)
                    {
                        await CopyBaseline.CopyAsync(baselineDb, file);
                    }

                    copy = psql.Elapsed.TotalSeconds;
                    Console.WriteLine($"round {round} (a) psql \\copy: {copy:N1} s{waited}");
                    await Quiet.DropDatabaseAsync(admin, "bench_nightly_copy");
                }
                else
                {
                    var db = await ImportBenchmark.FreshDatabaseAsync(admin, "bench_nightly");
                    var output = await ChildProcess.RunAsync(["nightly-child", folder, db, trend.ToString(CultureInfo.InvariantCulture)]);
                    var result = output[^1].Split(' ');
                    ours = double.Parse(result[0], CultureInfo.InvariantCulture);
                    peakMb = double.Parse(result[1], CultureInfo.InvariantCulture);
                    childLines = output[..^1];
                    Console.WriteLine($"round {round} (b) nightly run: {ours:N1} s ({childLines.FirstOrDefault(l => l.StartsWith("phases", StringComparison.Ordinal))}), " +
                                      $"peak memory {peakMb:N0} MB{waited}");
                }
            }

            ratios.Add(ours / copy);
            oursTimes.Add(ours);
            copyTimes.Add(copy);
            peaks.Add(peakMb);
            Console.WriteLine($"round {round}: ratio (b)/(a) {ours / copy:N2}");
        }

        foreach (var line in childLines.Where(l => !l.StartsWith("phases", StringComparison.Ordinal)))
        {
            Console.WriteLine(line);
        }

        Console.WriteLine($"(a) psql \\copy of the same files: {Stats.Describe(copyTimes, "s")}");
        Console.WriteLine($"(b) skolnarvaro nightly run:       {Stats.Describe(oursTimes, "s")}   peak memory (VmHWM) {peaks.Max():N0} MB");
        Console.WriteLine($"ratio (b)/(a) per round: {string.Join(", ", ratios.Select(r => r.ToString("N2", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"ratio (b)/(a): {Stats.Describe(ratios, "")}   [goal <= 1.2]");
        return 0;
    }

    /// <summary>
    /// The child: one nightly run, step by step as <see cref="NightlyRun.RunAsync"/> takes them (so the import and the
    /// fan-in are timed apart), then <paramref name="trendRounds"/> pairs of later nights; prints "seconds peakMB" last.
    /// </summary>
    public static async Task<int> ChildAsync(string folder, string db, int trendRounds)
    {
        using var host = await WorkerHost.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Skolnarvaro"] = db,
            ["Skolnarvaro:SchoolsFile"] = Path.Combine(folder, "schools.json"),
            ["Skolnarvaro:Pseudonymisation:Key"] = "benchmark-key-benchmark-key-benchmark-key",
            ["Skolnarvaro:Demo:Enabled"] = "false",
            ["Skolnarvaro:Notifications:DryRunFolder"] = Path.Combine(folder, "digests"),
            ["Skolnarvaro:Notifications:Smtp:Host"] = "",
            // One term of data: a short horizon, and any model scores (the benchmark measures cost, not quality).
            ["Skolnarvaro:Trend:HorizonWeeks"] = "3",
            ["Skolnarvaro:Trend:MinimumAuc"] = "0.01",
            // The benchmark's generated term has no pupil at hög frånvaro: the label uses riskfrånvaro's share.
            ["Skolnarvaro:Trend:LastingLevel"] = "AtRisk",
        });
        var asOf = new DateOnly(2026, 11, 13);
        var nightly = host.Get<NightlyRun>();
        var sw = Stopwatch.StartNew();
        var runId = await nightly.BeginAsync(asOf, dryRun: true, $"bench:{Guid.NewGuid():N}");
        NightlyRunSummary summary;
        TimeSpan imported;
        await using (await host.Get<RunStore>().TakeOwnershipAsync(runId))
        {
            foreach (var school in host.Get<SchoolImports>().Schools)
            {
                await nightly.ImportSchoolAsync(runId, school.Skolenhetskod);
            }

            imported = sw.Elapsed;
            summary = await nightly.FinishAsync(runId);
        }

        sw.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"phases: import {imported.TotalSeconds:N1} s, analyse and digests {(sw.Elapsed - imported).TotalSeconds:N1} s"));
        Console.WriteLine($"nightly run #{summary.RunId} {summary.Status}: {summary.FilesImported} files, {summary.RowsImported:N0} rows, " +
                          $"{summary.High:N0} high, {summary.AtRisk:N0} at risk, {summary.Digests} digests, {summary.Delivery.Sent} written");
        var peak = ImportBenchmark.PeakMegabytes();
        if (trendRounds > 0)
        {
            await TrendCostAsync(host, asOf, trendRounds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sw.Elapsed.TotalSeconds} {peak}"));
        return summary.Succeeded ? 0 : 1;
    }

    /// <summary>
    /// Later nights with and without an active model after training one on the term: <paramref name="rounds"/> pairs, the
    /// order alternating within the pair, each pair's ratio printed, then their median and spread.
    /// </summary>
    private static async Task TrendCostAsync(Microsoft.Extensions.Hosting.IHost host, DateOnly asOf, int rounds)
    {
        var trained = await host.Get<TrendTrainer>().TrainAndMaybeActivateAsync(new TrendTrainingRequest(Seed: 1));
        var db = host.Get<NpgsqlDataSource>();
        var ratios = new List<double>();
        var with = new List<double>();
        var without = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var pair = new Dictionary<bool, double>();
            foreach (var active in round % 2 == 1 ? new[] { false, true } : [true, false])
            {
                await using (var cmd = db.CreateCommand("update trend_model set active = (version = @v and @on)"))
                {
                    cmd.Parameters.AddWithValue("v", trained.Version);
                    cmd.Parameters.AddWithValue("on", active);
                    await cmd.ExecuteNonQueryAsync();
                }

                var sw = Stopwatch.StartNew();
                var night = await host.Get<NightlyRun>().RunAsync(asOf, dryRun: true);
                pair[active] = sw.Elapsed.TotalSeconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"trend round {round}, later night {(active ? "with the model" : "thresholds only")}: {sw.Elapsed.TotalSeconds:N1} s, {night.Trend} Trend flags ({night.TrendModel})"));
            }

            with.Add(pair[true]);
            without.Add(pair[false]);
            ratios.Add(pair[true] / pair[false]);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trend model v{trained.Version} (held-out AUC {trained.HeldOutAuc:0.000}): later nights thresholds only {Stats.Describe(without, "s")}, " +
            $"with the model {Stats.Describe(with, "s")}"));
        Console.WriteLine($"trend ratio per round: {string.Join(", ", ratios.Select(r => r.ToString("N2", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"trend ratio with/without: {Stats.Describe(ratios, "")}   [goal <= 1.15]");
    }
}
