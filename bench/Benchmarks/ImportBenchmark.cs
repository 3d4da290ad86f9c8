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
    public static async Task<int> RunAsync(long rows, string admin, string work, bool byDate = false)
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
        var db = await FreshDatabaseAsync(admin, "bench_import");

        // (a) Baseline: psql's \copy of the same rows into a typed table, parsing done by the server.
        await CopyBaseline.CreateTableAsync(db);
        var psql = Stopwatch.StartNew();
        var copyOut = await CopyBaseline.CopyAsync(db, file);
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

        var result = childOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().Split(' ');
        var ours = double.Parse(result[0], CultureInfo.InvariantCulture);
        var peakMb = double.Parse(result[1], CultureInfo.InvariantCulture);
        Console.WriteLine($"rows: {lines:N0} ({new FileInfo(file).Length / 1e6:N0} MB), psql says: {copyOut.Trim()}");
        Console.WriteLine($"(a) psql \\copy into typed table: {psql.Elapsed.TotalSeconds:N1} s");
        Console.WriteLine($"(b) skolnarvaro import:          {ours:N1} s   peak memory (VmHWM) {peakMb:N0} MB");
        Console.WriteLine($"ratio (b)/(a): {ours / psql.Elapsed.TotalSeconds:N2}   [goal <= 1.0, target <= 0.5]");
        Console.WriteLine(childOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).SkipLast(1).LastOrDefault());
        return 0;
    }

    /// <summary>The child: our import of one file, printing "seconds peakMB" last.</summary>
    public static async Task<int> ChildAsync(string file, string db, string work)
    {
        var schools = Path.Combine(work, "schools.json");
        await File.WriteAllTextAsync(schools, $$"""
            { "Skolnarvaro": { "Schools": [ { "Skolenhetskod": "{{School}}", "Name": "Benchmarkskolan", "Driftsform": "Municipal",
              "Huvudman": "Bänkstads kommun", "Profile": "lessons-default", "Inbox": "inbox",
              "Rectors": [ { "Name": "Rektor", "Email": "rektor@benchmarkskolan.example.se" } ] } ] } }
            """);
        Directory.CreateDirectory(Path.Combine(work, "inbox"));
        using var host = await WorkerHost.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Skolnarvaro"] = db,
            ["Skolnarvaro:SchoolsFile"] = schools,
            ["Skolnarvaro:Pseudonymisation:Key"] = "benchmark-key-benchmark-key-benchmark-key",
            ["Skolnarvaro:Demo:Enabled"] = "false",
            ["Logging:LogLevel:Skolnarvaro"] = "Information",
        });
        var school = host.Services.GetRequiredService<IOptions<IngestionOptions>>().Value.Schools[0];
        var sw = Stopwatch.StartNew();
        var result = await host.Services.GetRequiredService<FileImporter>()
            .ImportAsync(school, host.Services.GetRequiredService<SchoolProfiles>().For(school), file);
        sw.Stop();
        Console.WriteLine(result.Message);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sw.Elapsed.TotalSeconds} {PeakMegabytes()}"));
        return result.Status == ImportStatus.Imported ? 0 : 1;
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
