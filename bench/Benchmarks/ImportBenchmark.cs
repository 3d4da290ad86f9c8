using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Schools;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Benchmarks;

/// <summary>
/// Import speed against PostgreSQL's own COPY, measured in the same run on the same file:
/// (a) psql \copy of the raw rows into an equivalent typed table, (b) our full import (validation,
/// pseudonymisation, quarantine, merge). Our import runs in a child process so its peak memory is its own.
/// </summary>
public static class ImportBenchmark
{
    private const string School = "99999999";

    /// <param name="byDate">
    /// The export listed day by day (every pupil's lessons of a day, then the next day) instead of pupil by pupil: the
    /// importer's staging path, which adds the lessons up in PostgreSQL.
    /// </param>
    /// <param name="rounds">
    /// How many times both are measured, each round in a fresh database: the machine is shared, so one round says little;
    /// the median and the spread of the rounds' ratios are printed.
    /// </param>
    public static async Task<int> RunAsync(long rows, string admin, string work, bool byDate = false, int rounds = 1)
    {
        Directory.CreateDirectory(work);
        var file = Path.Combine(work, byDate ? $"lessons_{rows}_by_date.csv" : $"lessons_{rows}.csv");
        if (!File.Exists(file))
        {
            var sw = Stopwatch.StartNew();
            var written = LessonsFile.Write(file, rows, byDate: byDate);
            Console.WriteLine($"generated {written:N0} rows, {new FileInfo(file).Length / 1e6:N0} MB in {sw.Elapsed.TotalSeconds:N1} s: {file}");
        }

        var lines = File.ReadLines(file).LongCount() - 1;
        Console.WriteLine($"rows: {lines:N0} ({new FileInfo(file).Length / 1e6:N0} MB), {rounds} round(s)");
        var results = new List<(double Psql, double Ours, double PeakMb)>();
        for (var round = 1; round <= rounds; round++)
        {
            var (psql, ours, peakMb, phases) = await RoundAsync(file, admin, work);
            results.Add((psql, ours, peakMb));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: (a) psql \\copy {psql:N1} s   (b) skolnarvaro import {ours:N1} s   ratio {ours / psql:N2}   peak memory (VmHWM) {peakMb:N0} MB"));
            Console.WriteLine($"         {phases}");
        }

        var ratios = results.Select(r => r.Ours / r.Psql).Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio (b)/(a): median {Median(ratios):N2}, spread {ratios[0]:N2}–{ratios[^1]:N2} over {rounds} round(s) " +
            $"[{string.Join(", ", results.Select(r => (r.Ours / r.Psql).ToString("N2", CultureInfo.InvariantCulture)))}]   " +
            $"psql median {Median(results.Select(r => r.Psql).Order().ToList()):N1} s, ours median {Median(results.Select(r => r.Ours).Order().ToList()):N1} s, " +
            $"peak memory at most {results.Max(r => r.PeakMb):N0} MB   [goal <= 0.5 at <= 200 MB]"));
        return 0;
    }

    private static double Median(IReadOnlyList<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    /// <summary>One round in a fresh database: psql's \copy, then ours in a child process.</summary>
    private static async Task<(double Psql, double Ours, double PeakMb, string Phases)> RoundAsync(string file, string admin, string work)
    {
        var db = await FreshDatabaseAsync(admin, "bench_import");

        // (a) Baseline: psql's \copy of the same rows into a typed table, parsing done by the server.
        await CopyBaseline.CreateTableAsync(db);
        var psql = Stopwatch.StartNew();
        await CopyBaseline.CopyAsync(db, file);
        psql.Stop();

        // (b) Ours, in a fresh process.
        var self = Environment.ProcessPath!;
        var args = new List<string>();
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            args.Add(typeof(ImportBenchmark).Assembly.Location);
        }

        args.AddRange(["import-child", file, db, work]);
        var child = Process.Start(new ProcessStartInfo(self, args) { RedirectStandardOutput = true, RedirectStandardError = false })!;
        var childOut = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        if (child.ExitCode != 0)
        {
            Console.Write(childOut);
            throw new InvalidOperationException("import child failed");
        }

        var output = childOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var result = output[^1].Split(' ');
        var ours = double.Parse(result[0], CultureInfo.InvariantCulture);
        var peakMb = double.Parse(result[1], CultureInfo.InvariantCulture);
        return (psql.Elapsed.TotalSeconds, ours, peakMb, output.Length > 1 ? output[^2] : "");
    }

    /// <summary>The child: our import of one file, printing "seconds peakMB" last.</summary>
    public static async Task<int> ChildAsync(string file, string db, string work)
    {
        using var host = await StartChildHostAsync(db, work);
        var school = host.Services.GetRequiredService<ImportedSchools>().All[0];
        var sw = Stopwatch.StartNew();
        var result = await host.Services.GetRequiredService<FileImporter>()
            .ImportAsync(school, host.Services.GetRequiredService<SchoolProfiles>().For(school), file);
        sw.Stop();
        Console.WriteLine(result.Message);
        Console.WriteLine(result.Phases?.ToString() ?? "");
        var gc = GC.GetGCMemoryInfo();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gc: allocated {GC.GetTotalAllocatedBytes() / 1e6:N0} MB, collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, heap {gc.HeapSizeBytes / 1e6:N0} MB, committed {gc.TotalCommittedBytes / 1e6:N0} MB, working set {Environment.WorkingSet / 1e6:N0} MB"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sw.Elapsed.TotalSeconds} {PeakMegabytes()}"));
        return result.Status == ImportStatus.Imported ? 0 : 1;
    }

    private static async Task<IHost> StartChildHostAsync(string db, string work)
    {
        var schools = Path.Combine(work, "schools.json");
        await File.WriteAllTextAsync(schools, $$"""
            { "Skolnarvaro": { "Schools": [ { "Skolenhetskod": "{{School}}", "Name": "Benchmarkskolan", "Driftsform": "Municipal",
              "Huvudman": "Bänkstads kommun", "Profile": "lessons-default", "Inbox": "inbox",
              "Rektorer": [ { "Name": "Rektor", "Email": "rektor@benchmarkskolan.example.se" } ] } ] } }
            """);
        Directory.CreateDirectory(Path.Combine(work, "inbox"));
        return await WorkerHost.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Skolnarvaro"] = db,
            ["Skolnarvaro:SchoolsFile"] = schools,
            ["Skolnarvaro:Pseudonymisation:Key"] = "benchmark-key-benchmark-key-benchmark-key",
            ["Skolnarvaro:Demo:Enabled"] = "false",
            ["Logging:LogLevel:Skolnarvaro"] = "Information",
        });
    }

    /// <summary>
    /// The import's reading alone, without PostgreSQL, step by step on one thread: the byte scan, CsvHelper's reading of
    /// the fields, then the whole validation and pseudonymisation of <see cref="ExportReader"/>. Times and CPU seconds.
    /// </summary>
    public static async Task<int> ParseOnlyAsync(string file, string admin, string work)
    {
        var db = await FreshDatabaseAsync(admin, "bench_parse");
        using var host = await StartChildHostAsync(db, work);
        var school = host.Services.GetRequiredService<ImportedSchools>().All[0];
        var profile = host.Services.GetRequiredService<SchoolProfiles>().For(school);
        var hasher = host.Services.GetRequiredService<Skolnarvaro.Ingestion.Identity.PupilKeyHasher>();
        var rules = new Skolnarvaro.Ingestion.Plausibility.PlausibilityRules(
            host.Services.GetRequiredService<IOptions<Skolnarvaro.Ingestion.Plausibility.PlausibilityOptions>>().Value, new DateOnly(2026, 12, 1));

        var me = Process.GetCurrentProcess();
        async Task<T> Step<T>(string name, Func<Task<T>> step)
        {
            me.Refresh();
            var cpu = me.TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var sw = Stopwatch.StartNew();
            var result = await step();
            me.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-45} {sw.Elapsed.TotalSeconds,6:N2} s  cpu {(me.TotalProcessorTime - cpu).TotalSeconds,6:N2} s  " +
                $"allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6,5:N0} MB  {result}"));
            return result;
        }

        var scan = await Step("byte scan (SHA-256, lines, UTF-8)", () => Skolnarvaro.Ingestion.Parsing.FileScan.ReadAsync(file, default));
        var order = await Step("key order: pupil blocks (first import)", () =>
            Task.FromResult(Skolnarvaro.Ingestion.Parsing.KeyOrder.Plan(file, profile, hasher, rules.Today)));
        await Step("CsvHelper: records and field spans", () =>
        {
            using var csv = CsvHelper.CsvReader.FromFile(file, Skolnarvaro.Ingestion.Parsing.ExportReader.CsvOptions(';', Encoding.UTF8, _ => { }));
            long bytes = 0;
            while (csv.Read())
            {
                for (var i = 0; i < csv.FieldCount; i++)
                {
                    bytes += csv.GetSpan(i).Length;
                }
            }

            return Task.FromResult(bytes);
        });
        foreach (var (name, o) in new[] { ("ExportReader: parse, validate, pseudonymise", null), ("ExportReader, in key order", order) })
        {
            await Step(name, () =>
            {
                using var reader = new Skolnarvaro.Ingestion.Parsing.ExportReader(file, profile, hasher, rules, scan, o);
                long facts = 0;
                while (reader.Read())
                {
                    facts += reader.Outcome == Skolnarvaro.Ingestion.Parsing.RowOutcome.Fact ? 1 : 0;
                }

                return Task.FromResult(facts);
            });
        }

        return 0;
    }

    internal static double PeakMegabytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    internal static async Task<string> FreshDatabaseAsync(string admin, string name)
    {
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists {name} with (force)", conn);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"create database {name}", conn);
            await create.ExecuteNonQueryAsync();
        }

        // The drop ended the pooled connections of the database's previous round: none may be handed out again.
        NpgsqlConnection.ClearAllPools();

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    internal static string ToUri(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"postgresql://{Uri.EscapeDataString(b.Username ?? "")}:{Uri.EscapeDataString(b.Password ?? "")}@{b.Host}:{b.Port}/{b.Database}";
    }
}

/// <summary>A lessons-default export of about the asked number of rows: ~7–8 lessons a day over a 13-week term.</summary>
public static class LessonsFile
{
    private static readonly string[] Subjects = ["Svenska", "Matematik", "Engelska", "Idrott och hälsa", "Bild", "Musik", "Biologi", "Historia"];
    private static readonly string[] First = ["Märta", "Åsa", "Björn", "Oskar", "Lina", "Elias", "Saga", "Nils"];
    private static readonly string[] Last = ["Östlund", "Åberg", "Lindqvist", "Nguyen", "Hassan", "Järvinen", "Berg", "Sjöberg"];

    public static long Write(string path, long rows, bool byDate = false) => Write(path, rows, 0, int.MaxValue, byDate);

    /// <summary>Pupils <paramref name="firstPupil"/> … (at most <paramref name="maxPupils"/>): distinct pupils in each school's file.</summary>
    public static long Write(string path, long rows, int firstPupil, int maxPupils, bool byDate = false)
    {
        var days = new List<DateOnly>();
        for (var d = new DateOnly(2026, 8, 17); days.Count < 65; d = d.AddDays(1))
        {
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                days.Add(d);
            }
        }

        var pupils = (int)Math.Min(maxPupils, Math.Max(1, rows / (days.Count * 7.7)));
        var random = new Random(42);
        long written = 0;
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        w.Write("Personnummer;Förnamn;Efternamn;Klass;Datum;Starttid;Längd (min);Ämne;Status;Frånvaro (min)\n");
        // Pupil by pupil (the usual order), or day by day: the same rows, in another order.
        var order = byDate
            ? days.SelectMany(day => Enumerable.Range(firstPupil, pupils).Select(p => (p, day)))
            : Enumerable.Range(firstPupil, pupils).SelectMany(p => days.Select(day => (p, day)));
        foreach (var (p, day) in order)
        {
            if (written >= rows)
            {
                break;
            }

            var grade = 1 + p % 9;
            var pnr = Personnummer(2019 - grade + 1, 1 + p % 12, 1 + p % 28, p);
            var name = $"{First[p % First.Length]};{Last[p / First.Length % Last.Length]}";
            var cls = $"{grade}{(char)('A' + p / 9 % 4)}";
            {
                var lessons = 7 + (day.DayNumber + p) % 2;
                for (var l = 0; l < lessons && written < rows; l++)
                {
                    var roll = random.Next(100);
                    var (status, absent) = roll < 90 ? ("N", 0) : roll < 95 ? ("G", 50) : roll < 98 ? ("O", 50) : roll < 99 ? ("S", 10) : ("E", 0);
                    var start = 8 * 60 + 10 + l * 55;
                    w.Write($"{pnr};{name};{cls};{day:yyyy-MM-dd};{start / 60:00}:{start % 60:00};50;{Subjects[l % Subjects.Length]};{status};{absent}\n");
                    written++;
                }
            }
        }

        return written;
    }

    private static string Personnummer(int year, int month, int day, int serial)
    {
        var nine = $"{year % 100:00}{month:00}{day:00}{serial % 1000:000}";
        var sum = nine.Select((c, i) => (c - '0') * (i % 2 == 0 ? 2 : 1)).Sum(v => v > 9 ? v - 9 : v);
        return $"{year:0000}{month:00}{day:00}-{serial % 1000:000}{(10 - sum % 10) % 10}";
    }
}

/// <summary>The baseline: psql's <c>\copy</c> of a lessons export into an equivalent typed table, parsing done by the server.</summary>
public static class CopyBaseline
{
    public static async Task CreateTableAsync(string db)
    {
        await using var conn = new NpgsqlConnection(db);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            create table copy_baseline (personnummer text, first_name text, last_name text, class text, date date,
                start_time time, length_min int, subject text, status text, absent_min int)
            """, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Copies one file and returns what psql printed (COPY n).</summary>
    public static async Task<string> CopyAsync(string db, string file)
    {
        using var copy = Process.Start(new ProcessStartInfo("psql", [
            ImportBenchmark.ToUri(db), "-v", "ON_ERROR_STOP=1", "-c",
            $"\\copy copy_baseline from '{file}' with (format csv, header true, delimiter ';', encoding 'UTF8')",
        ]) { RedirectStandardOutput = true })!;
        var output = await copy.StandardOutput.ReadToEndAsync();
        await copy.WaitForExitAsync();
        return copy.ExitCode == 0 ? output : throw new InvalidOperationException($"psql \\copy of {file} failed");
    }
}
