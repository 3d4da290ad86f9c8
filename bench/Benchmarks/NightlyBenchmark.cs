using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;

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

    public static async Task<int> RunAsync(int pupils, string admin, string work)
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
                $$"""{ "Skolenhetskod": "{{c}}", "Name": "Bänkskola {{i}}", "Driftsform": "{{(i % 4 == 3 ? "Independent" : "Municipal")}}", "Huvudman": "Bänkstads kommun", "Profile": "lessons-default", "Inbox": "inbox/{{c}}", "Rectors": [ { "Name": "Rektor {{i}}", "Email": "rektor{{i}}@bankstad.example.se" } ] }"""))}} ] } }
            """);
        var megabytes = files.Sum(f => new FileInfo(f).Length) / 1e6;
        var lines = files.Sum(f => File.ReadLines(f).LongCount() - 1);

        // (a) Baseline: psql \copy of every file, one after the other as the nightly imports them, parsing by the server.
        var baselineDb = await ImportBenchmark.FreshDatabaseAsync(admin, "bench_nightly_copy");
        await CopyBaseline.CreateTableAsync(baselineDb);
        var psql = Stopwatch.StartNew();
        foreach (var file in files)
        {
            await CopyBaseline.CopyAsync(baselineDb, file);
        }

        psql.Stop();

        // (b) Ours, the first night in a fresh database, in a child process.
        var db = await ImportBenchmark.FreshDatabaseAsync(admin, "bench_nightly");
        var self = Environment.ProcessPath!;
        var args = new List<string>();
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            args.Add(typeof(NightlyBenchmark).Assembly.Location);
        }

        args.AddRange(["nightly-child", folder, db]);
        using var child = Process.Start(new ProcessStartInfo(self, args) { RedirectStandardOutput = true })!;
        var childOut = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        if (child.ExitCode != 0)
        {
            Console.Write(childOut);
            throw new InvalidOperationException("nightly child failed");
        }

        var output = childOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var result = output.Last().Split(' ');
        var ours = double.Parse(result[0], CultureInfo.InvariantCulture);
        var peakMb = double.Parse(result[1], CultureInfo.InvariantCulture);
        Console.WriteLine($"{pupils:N0} pupils, {schools} schools, {lines:N0} lesson rows ({megabytes:N0} MB)");
        foreach (var line in output[..^1])
        {
            Console.WriteLine(line);
        }

        Console.WriteLine($"(a) psql \\copy of the same files: {psql.Elapsed.TotalSeconds:N1} s");
        Console.WriteLine($"(b) skolnarvaro nightly run:       {ours:N1} s   peak memory (VmHWM) {peakMb:N0} MB");
        Console.WriteLine($"ratio (b)/(a): {ours / psql.Elapsed.TotalSeconds:N2}   [goal <= 1.5]");
        return 0;
    }

    /// <summary>The child: one nightly run, printing its summary line and then "seconds peakMB".</summary>
    public static async Task<int> ChildAsync(string folder, string db)
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
        var sw = Stopwatch.StartNew();
        var summary = await host.Get<NightlyRun>().RunAsync(new DateOnly(2026, 11, 13), dryRun: true);
        sw.Stop();
        Console.WriteLine($"nightly run #{summary.RunId} {summary.Status}: {summary.FilesImported} files, {summary.RowsImported:N0} rows, " +
                          $"{summary.High:N0} high, {summary.AtRisk:N0} at risk, {summary.Digests} digests, {summary.Delivery.Sent} written");
        var peak = ImportBenchmark.PeakMegabytes();
        await TrendCostAsync(host);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sw.Elapsed.TotalSeconds} {peak}"));
        return summary.Succeeded ? 0 : 1;
    }

    /// <summary>Later nights with and without an active model, alternately, after training one on the term.</summary>
    private static async Task TrendCostAsync(Microsoft.Extensions.Hosting.IHost host)
    {
        var trained = await host.Get<TrendTrainer>().TrainAndMaybeActivateAsync(new TrendTrainingRequest(Seed: 1));
        var db = host.Get<NpgsqlDataSource>();
        var with = new List<double>();
        var without = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var active in new[] { false, true })
            {
                await using (var cmd = db.CreateCommand("update trend_model set active = (version = @v and @on)"))
                {
                    cmd.Parameters.AddWithValue("v", trained.Version);
                    cmd.Parameters.AddWithValue("on", active);
                    await cmd.ExecuteNonQueryAsync();
                }

                var sw = Stopwatch.StartNew();
                var night = await host.Get<NightlyRun>().RunAsync(new DateOnly(2026, 11, 13), dryRun: true);
                (active ? with : without).Add(sw.Elapsed.TotalSeconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"later night, {(active ? "with the model" : "thresholds only")}: {sw.Elapsed.TotalSeconds:N1} s, {night.Trend} Trend flags ({night.TrendModel})"));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trend model v{trained.Version} (held-out AUC {trained.HeldOutAuc:0.000}): later nights {without.Min():N1} s thresholds only, " +
            $"{with.Min():N1} s with the model (best of 3); ratio {with.Min() / without.Min():N2}   [goal <= 1.15]"));
    }
}
