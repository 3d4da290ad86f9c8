using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Benchmarks;

/// <summary>
/// Stockholm's size: <c>pupils</c> pupils (100,000) at <c>schools</c> schools (300) with a school year of <c>days</c>
/// exports (one pupil × one school day: 183 school days, about 18 million rows), run by the product itself:
/// <list type="bullet">
/// <item><c>first W</c>: a fresh database and the first nightly run over the whole school year (as of 2026-06-05), on W
/// Hangfire workers (<c>skolnarvaro worker</c> processes, one job at a time each) started by <c>skolnarvaro trigger --wait</c>;</item>
/// <item><c>nights R</c>: R later nights on one worker and R on two, alternately, each importing a new export of the last
/// week (2026-06-08 – 12) from every school, a correction of the one before, and analysing every pupil;</item>
/// <item><c>analysis R</c>: the nightly analysis of every school against a plain per-pupil GROUP BY of the same facts;</item>
/// <item><c>report R</c> and <c>backtest R</c>: <c>skolnarvaro report --term VT2026</c> and <c>skolnarvaro backtest</c> of the term;</item>
/// <item><c>partition</c>: the fact table copied as a partitioned table (by school year, then by school) against a plain copy.</item>
/// </list>
/// Each gives wall time, peak memory (VmHWM of the process that did the work) and the database size.
/// </summary>
public static class ScaleBenchmark
{
    private const string Database = "bench_scale";
    public static readonly DateOnly FirstNight = new(2026, 6, 5);
    public static readonly DateOnly LaterNight = new(2026, 6, 12);
    private static readonly DateOnly LastWeek = new(2026, 6, 8);
    private const int Variants = 12;

    public static async Task<int> RunAsync(int pupils, int schools, string[] steps, string admin, string work)
    {
        var folder = Path.Combine(work, $"scale-{pupils}");
        var codes = Enumerable.Range(0, schools).Select(s => (70_000_000 + s).ToString(CultureInfo.InvariantCulture)).ToList();
        await GenerateAsync(folder, pupils, codes);
        var db = new NpgsqlConnectionStringBuilder(admin) { Database = Database, CommandTimeout = 0 }.ConnectionString;
        var all = steps.Length == 0 ? ["first", "1", "nights", "5", "analysis", "5", "report", "5", "backtest", "1", "partition"] : steps;
        for (var i = 0; i < all.Length; i++)
        {
            var count = i + 1 < all.Length && int.TryParse(all[i + 1], CultureInfo.InvariantCulture, out var n) ? n : 1;
            if (int.TryParse(all[i], CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            Console.WriteLine($"== {all[i]} {count} ({DateTime.UtcNow:HH:mm:ss} UTC, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
            switch (all[i])
            {
                case "first":
                    await FirstNightAsync(admin, db, folder, codes, count);
                    break;
                case "nights":
                    await LaterNightsAsync(admin, db, folder, codes, count);
                    break;
                case "analysis":
                    var output = await ChildProcess.RunAsync(["scale-analysis-child", folder, db, count.ToString(CultureInfo.InvariantCulture)]);
                    Array.ForEach(output, Console.WriteLine);
                    break;
                case "profile":
                    Array.ForEach(await ChildProcess.RunAsync(["scale-profile-child", folder, db, count.ToString(CultureInfo.InvariantCulture)]), Console.WriteLine);
                    break;
                case "report":
                    await CommandAsync(admin, db, folder, count, "term report", n => ["report", "--term", "VT2026", "--as-of", $"{LaterNight:yyyy-MM-dd}", "--out", Path.Combine(folder, "report", $"{n}")]);
                    break;
                case "backtest":
                    var candidate = Path.Combine(folder, "candidate.json");
                    await File.WriteAllTextAsync(candidate, """{ "Skolnarvaro": { "Thresholds": { "AtRisk": { "AbsenceShare": 0.12 } } } }""");
                    await CommandAsync(admin, db, folder, count, "back-test of VT2026", n => ["backtest", "--config", candidate, "--from", "2026-01-08", "--to", $"{LaterNight:yyyy-MM-dd}", "--csv", Path.Combine(folder, "backtest", $"{n}.csv")]);
                    break;
                case "partition":
                    await PartitionSimulation.RunAsync(db, codes);
                    break;
                case "drop":
                    await Quiet.DropDatabaseAsync(admin, Database);
                    break;
                default:
                    throw new ArgumentException($"unknown scale step '{all[i]}': first, nights, analysis, profile, report, backtest, partition, drop");
            }
        }

        return 0;
    }

    /// <summary>One file per school for the year up to <see cref="FirstNight"/>, and <see cref="Variants"/> versions of the last week.</summary>
    private static async Task GenerateAsync(string folder, int pupils, IReadOnlyList<string> codes)
    {
        var schools = codes.Count;
        var year = DaysFile.SchoolDays(new DateOnly(2025, 8, 18), FirstNight);
        var week = DaysFile.SchoolDays(LastWeek, LaterNight);
        var done = Path.Combine(folder, "generated");
        if (!File.Exists(done))
        {
            var sw = Stopwatch.StartNew();
            long rows = 0;
            Parallel.For(0, schools, new ParallelOptions { MaxDegreeOfParallelism = 2 }, s =>
            {
                var (first, count) = (s * pupils / schools, (s + 1) * pupils / schools - s * pupils / schools);
                Directory.CreateDirectory(Path.Combine(folder, "inbox", codes[s]));
                var r = DaysFile.Write(Path.Combine(folder, "inbox", codes[s], "days-2025-08-18.csv"), first, count, year, 0);
                for (var v = 1; v <= Variants; v++)
                {
                    Directory.CreateDirectory(Path.Combine(folder, "weeks", $"{v}", codes[s]));
                    DaysFile.Write(Path.Combine(folder, "weeks", $"{v}", codes[s], $"days-2026-06-08-v{v}.csv"), first, count, week, v);
                }

                Interlocked.Add(ref rows, r);
            });
            await File.WriteAllTextAsync(done, $"{rows}");
            Console.WriteLine($"generated {schools} day exports of the school year ({year.Count} school days), {rows:N0} rows, " +
                              $"{Directory.GetFiles(Path.Combine(folder, "inbox"), "*.csv", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1e6:N0} MB, " +
                              $"and {Variants} versions of the last week, in {sw.Elapsed.TotalSeconds:N0} s: {folder}");
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "schools.json"), $$"""
            { "Skolnarvaro": { "Schools": [ {{string.Join(",\n", codes.Select((c, i) =>
                $$"""{ "Skolenhetskod": "{{c}}", "Name": "Skalskola {{i}}", "Driftsform": "{{(i % 4 == 3 ? "Independent" : "Municipal")}}", "Huvudman": "Skalstads kommun", "Profile": "days-default", "Inbox": "{{Path.Combine(folder, "inbox", c)}}", "Rektorer": [ { "Name": "Rektor {{i}}", "Email": "rektor{{i}}@skalstad.example.se" } ] }"""))}} ] } }
            """);
    }

    private static Dictionary<string, string> Environment(string db, string folder) => new()
    {
        ["ConnectionStrings__Skolnarvaro"] = db,
        ["SKOLNARVARO_HOME"] = Directory.GetCurrentDirectory(),
        ["Skolnarvaro__SchoolsFile"] = Path.Combine(folder, "schools.json"),
        ["Skolnarvaro__Pseudonymisation__Key"] = "benchmark-key-benchmark-key-benchmark-key",
        ["Skolnarvaro__Demo__Enabled"] = "false",
        ["Skolnarvaro__Notifications__DryRunFolder"] = Path.Combine(folder, "digests"),
        ["Skolnarvaro__Notifications__Smtp__Host"] = "",
        ["Skolnarvaro__Report__Folder"] = Path.Combine(folder, "report"),
        ["Skolnarvaro__Worker__WorkerCount"] = "1",
        ["Skolnarvaro__Worker__QueuePollInterval"] = "00:00:01",
        ["Skolnarvaro__Worker__NightlyCron"] = "",
        ["Skolnarvaro__Worker__DeliveryCron"] = "",
        ["Skolnarvaro__Worker__RetrainCron"] = "",
        ["Skolnarvaro__Worker__TermReportCron"] = "",
        ["Skolnarvaro__Worker__Dashboard__Enabled"] = "false",
    };

    private static async Task FirstNightAsync(string admin, string db, string folder, IReadOnlyList<string> codes, int workers)
    {
        foreach (var code in codes)
        {
            foreach (var stray in Directory.GetFiles(Path.Combine(folder, "inbox", code), "days-2026-06-08-*"))
            {
                File.Delete(stray);
            }
        }

        await Quiet.DropDatabaseAsync(admin, Database);
        await ImportBenchmark.FreshDatabaseAsync(admin, Database);
        var waited = await Quiet.WaitAsync(admin);
        var night = await NightAsync(db, folder, workers, FirstNight);
        Console.WriteLine($"first night, {workers} worker(s): {night}{waited}");
        Console.WriteLine($"database size {await Quiet.DatabaseBytesAsync(admin, Database) / 1e9:N2} GB; " +
                          await ScalarTextAsync(db, "select count(*)::text || ' facts, ' || pg_size_pretty(pg_total_relation_size('attendance_fact')) || ' attendance_fact' from attendance_fact"));
    }

    private static async Task LaterNightsAsync(string admin, string db, string folder, IReadOnlyList<string> codes, int rounds)
    {
        var variant = int.Parse(await ScalarTextAsync(db, "select count(*)::text from run where kind = 'nightly'"), CultureInfo.InvariantCulture);
        var times = new Dictionary<int, List<double>> { [1] = [], [2] = [] };
        var peaks = new Dictionary<int, List<double>> { [1] = [], [2] = [] };
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var workers in round % 2 == 1 ? new[] { 1, 2 } : [2, 1])
            {
                // A new export of the last week from every school: it replaces the facts of those five days.
                variant = variant % Variants + 1;
                foreach (var code in codes)
                {
                    File.Copy(Path.Combine(folder, "weeks", $"{variant}", code, $"days-2026-06-08-v{variant}.csv"),
                        Path.Combine(folder, "inbox", code, $"days-2026-06-08-v{variant}-r{round}w{workers}.csv"));
                }

                var waited = await Quiet.WaitAsync(admin);
                var night = await NightAsync(db, folder, workers, LaterNight);
                times[workers].Add(night.Seconds);
                peaks[workers].Add(night.PeakMb);
                Console.WriteLine($"later night {round}, {workers} worker(s): {night}{waited}");
            }
        }

        foreach (var workers in new[] { 1, 2 })
        {
            Console.WriteLine($"later nights, {workers} worker(s): {Stats.Describe(times[workers], "s")}, peak memory per worker max {peaks[workers].Max():N0} MB");
        }

        Console.WriteLine($"database size {await Quiet.DatabaseBytesAsync(admin, Database) / 1e9:N2} GB");
    }

    private sealed record Night(double Seconds, double ImportSeconds, double AnalysisSeconds, double PeakMb, string Workers, string Summary)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Seconds:N1} s (imports summed {ImportSeconds:N1} s, fan-in {AnalysisSeconds:N1} s), peak memory per worker {Workers}; {Summary}");
    }

    /// <summary>Starts the workers one after the other, triggers a run and waits for it, reads its books, stops the workers.</summary>
    private static async Task<Night> NightAsync(string db, string folder, int workers, DateOnly asOf)
    {
        var env = Environment(db, folder);
        var processes = new List<Process>();
        try
        {
            for (var w = 0; w < workers; w++)
            {
                var info = ChildProcess.Skolnarvaro(["worker"], env);
                info.RedirectStandardOutput = false;
                info.RedirectStandardError = true;
                var p = Process.Start(info)!;
                processes.Add(p);
                _ = DrainAsync(p, Path.Combine(folder, $"worker-{w}.log"));
                await WaitForServersAsync(db, w + 1);
            }

            var (_, _, output) = await ChildProcess.TimedAsync(ChildProcess.Skolnarvaro(["trigger", "--wait", "--as-of", $"{asOf:yyyy-MM-dd}"], env));
            var runId = long.Parse(output.Split('#', 2)[1].Split(':', 2)[0], CultureInfo.InvariantCulture);
            var peaks = processes.Select(p => ChildProcess.PeakMegabytes(p.Id)).ToList();
            await using var conn = new NpgsqlConnection(db);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                select extract(epoch from r.finished_at - r.started_at)::float8, r.status,
                       sum(s.import_ms) / 1000.0, extract(epoch from r.finished_at - max(s.finished_at))::float8,
                       count(distinct s.worker), sum(s.high), sum(s.at_risk), count(*) filter (where s.digest_queued)
                from run r join run_school s on s.run_id = r.id where r.id = @id
                group by r.id
                """, conn);
            cmd.Parameters.AddWithValue("id", runId);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            var rows = await RowsOfRunAsync(db, runId);
            return new Night(r.GetDouble(0), (double)r.GetDecimal(2), r.GetDouble(3), peaks.Max(),
                string.Join(" + ", peaks.Select(p => p.ToString("N0", CultureInfo.InvariantCulture) + " MB")),
                $"run #{runId} {r.GetString(1)} on {r.GetInt64(4)} worker(s): {rows:N0} rows imported, {r.GetInt64(5):N0} high, {r.GetInt64(6):N0} at risk, {r.GetInt64(7)} digests");
        }
        finally
        {
            foreach (var p in processes)
            {
                // SIGTERM: the worker stops gracefully and removes its Hangfire server row.
                using var kill = Process.Start("kill", ["-TERM", $"{p.Id}"]);
                await kill.WaitForExitAsync();
            }

            foreach (var p in processes)
            {
                if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
                {
                    p.Kill();
                }

                p.Dispose();
            }
        }
    }

    private static async Task<long> RowsOfRunAsync(string db, long runId) => long.Parse(await ScalarTextAsync(db,
        $"select coalesce(sum(f.rows_imported), 0)::text from import_file f join run r on f.imported_at between r.started_at and r.finished_at where r.id = {runId}"),
        CultureInfo.InvariantCulture);

    private static async Task DrainAsync(Process p, string log)
    {
        await using var w = new StreamWriter(log, append: true);
        while (await p.StandardError.ReadLineAsync() is { } line)
        {
            await w.WriteLineAsync(line);
        }
    }

    private static async Task WaitForServersAsync(string db, int count)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromMinutes(3))
        {
            try
            {
                if (int.Parse(await ScalarTextAsync(db, "select count(*)::text from hangfire.server"), CultureInfo.InvariantCulture) >= count)
                {
                    return;
                }
            }
            catch (PostgresException)
            {
                // The first worker has not created Hangfire's schema yet.
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"{count} Hangfire worker(s) did not register within 3 minutes");
    }

    /// <summary>A product command <paramref name="rounds"/> times under /usr/bin/time: wall time and peak memory each.</summary>
    private static async Task CommandAsync(string admin, string db, string folder, int rounds, string what, Func<int, string[]> args)
    {
        var env = Environment(db, folder);
        var times = new List<double>();
        var peaks = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var waited = await Quiet.WaitAsync(admin);
            var (seconds, peak, output) = await ChildProcess.TimedAsync(ChildProcess.Skolnarvaro(args(round), env));
            times.Add(seconds);
            peaks.Add(peak);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what} {round}: {seconds:N1} s, peak memory {peak:N0} MB{waited}"));
            if (round == 1)
            {
                Console.WriteLine(string.Join('\n', output.Split('\n').Where(l => l.Trim().Length > 0).TakeLast(6)));
            }
        }

        Console.WriteLine($"{what}: {Stats.Describe(times, "s")}, peak memory {Stats.Describe(peaks, "MB")}, " +
                          $"database size {await Quiet.DatabaseBytesAsync(admin, Database) / 1e9:N2} GB");
    }

    private static Task<Microsoft.Extensions.Hosting.IHost> AnalysisHostAsync(string folder, string db) => WorkerHost.StartAsync(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Skolnarvaro"] = db,
        ["Skolnarvaro:SchoolsFile"] = Path.Combine(folder, "schools.json"),
        ["Skolnarvaro:Pseudonymisation:Key"] = "benchmark-key-benchmark-key-benchmark-key",
        ["Skolnarvaro:Demo:Enabled"] = "false",
    });

    private static async Task<List<string>> SchoolCodesAsync(NpgsqlDataSource data)
    {
        var codes = new List<string>();
        await using var cmd = data.CreateCommand("select skolenhetskod from school order by skolenhetskod");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            codes.Add(r.GetString(0));
        }

        return codes;
    }

    /// <summary>The child of <c>profile</c>: each of the analysis's statements on its own, summed over every school.</summary>
    public static async Task<int> ProfileChildAsync(string folder, string db, int rounds)
    {
        using var host = await AnalysisHostAsync(folder, db);
        var codes = await SchoolCodesAsync(host.Get<NpgsqlDataSource>());
        var (from, to) = (new DateOnly(2026, 1, 8), LaterNight);
        var data = host.Get<NpgsqlDataSource>();
        await AnalysisBenchmark.BaselineAsync(data, from, to);
        var baseline = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            baseline.Add(await AnalysisBenchmark.BaselineAsync(data, from, to));
        }

        Console.WriteLine($"  {"plain per-pupil GROUP BY (the baseline)",-58} {Stats.Describe(baseline, "s")}");
        return await AnalysisProfile.RunAsync(host, codes, to, rounds);
    }

    /// <summary>The child of <c>analysis</c>: flags and figures for every school against the GROUP BY, in its own process.</summary>
    public static async Task<int> AnalysisChildAsync(string folder, string db, int rounds)
    {
        using var host = await AnalysisHostAsync(folder, db);
        var data = host.Get<NpgsqlDataSource>();
        var codes = await SchoolCodesAsync(data);

        // The analysis reads the term (VT2026) to the night's date; the baseline adds up the same days.
        var (from, to) = (new DateOnly(2026, 1, 8), LaterNight);
        await using (var cmd = data.CreateCommand("select count(*) from attendance_fact where date between @from and @to"))
        {
            cmd.Parameters.AddWithValue("from", from);
            cmd.Parameters.AddWithValue("to", to);
            Console.WriteLine($"{codes.Count} schools, {(long)(await cmd.ExecuteScalarAsync())!:N0} pupil-days in {from:yyyy-MM-dd} – {to:yyyy-MM-dd}");
        }

        // One untimed round first, as in the analysis benchmark: the process's first pass pays for .NET's JIT.
        await AnalysisBenchmark.BaselineAsync(data, from, to);
        await AnalysisBenchmark.OursAsync(host, codes, to);
        var baseline = new List<double>();
        var ours = new List<double>();
        var ratios = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            double b, o;
            if (round % 2 == 1)
            {
                b = await AnalysisBenchmark.BaselineAsync(data, from, to);
                (o, _) = await AnalysisBenchmark.OursAsync(host, codes, to);
            }
            else
            {
                (o, _) = await AnalysisBenchmark.OursAsync(host, codes, to);
                b = await AnalysisBenchmark.BaselineAsync(data, from, to);
            }

            baseline.Add(b);
            ours.Add(o);
            ratios.Add(o / b);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"analysis round {round}: GROUP BY {b:N2} s, flags and figures {o:N2} s, ratio {o / b:N2}"));
        }

        Console.WriteLine($"(a) plain SQL per-pupil GROUP BY: {Stats.Describe(baseline, "s")}");
        Console.WriteLine($"(b) flags and figures for every school: {Stats.Describe(ours, "s")}");
        Console.WriteLine($"analysis ratio (b)/(a): {Stats.Describe(ratios, "")}   [goal <= 2]   peak memory (VmHWM) {ImportBenchmark.PeakMegabytes():N0} MB");
        return 0;
    }

    internal static async Task<string> ScalarTextAsync(string db, string sql)
    {
        await using var conn = new NpgsqlConnection(db);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
