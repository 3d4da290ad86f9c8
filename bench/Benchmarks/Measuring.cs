using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Skolnarvaro.Benchmarks;

/// <summary>Median and spread of repeated measurements, as the tables in docs/benchmarks.md give them.</summary>
public static class Stats
{
    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>"median 1.23 s (1.10–1.50, n = 5)".</summary>
    public static string Describe(IReadOnlyCollection<double> values, string unit)
    {
        var u = unit.Length > 0 ? " " + unit : "";
        return values.Count == 0 ? "none" : string.Create(CultureInfo.InvariantCulture,
            $"median {Median(values):N2}{u} ({values.Min():N2}–{values.Max():N2}, n = {values.Count})");
    }
}

/// <summary>
/// Quiet before a timed side: no autovacuum worker busy (a large COPY is followed by autovacuum's VACUUM and ANALYZE of the
/// table, minutes of one core and the disk) and a checkpoint, so a side does not pay for the rows the other side wrote.
/// </summary>
public static class Quiet
{
    /// <summary>Waits (at most 10 minutes) and returns what it waited for, or "" when the server was quiet already.</summary>
    public static async Task<string> WaitAsync(string admin)
    {
        var sw = Stopwatch.StartNew();
        var seen = new SortedSet<string>();
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        while (sw.Elapsed < TimeSpan.FromMinutes(10))
        {
            await using var cmd = new NpgsqlCommand(
                "select coalesce(datname, '') || ': ' || query from pg_stat_activity where backend_type = 'autovacuum worker'", conn);
            var busy = new List<string>();
            await using (var r = await cmd.ExecuteReaderAsync())
            {
                while (await r.ReadAsync())
                {
                    busy.Add(r.GetString(0));
                }
            }

            if (busy.Count == 0)
            {
                break;
            }

            seen.UnionWith(busy);
            await Task.Delay(1000);
        }

        await using (var checkpoint = new NpgsqlCommand("checkpoint", conn))
        {
            checkpoint.CommandTimeout = 0;
            await checkpoint.ExecuteNonQueryAsync();
        }

        return seen.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
            $" (waited {sw.Elapsed.TotalSeconds:N0} s for {string.Join("; ", seen)})");
    }

    public static async Task DropDatabaseAsync(string admin, string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists {name} with (force)", conn);
        await drop.ExecuteNonQueryAsync();
    }

    public static async Task<long> DatabaseBytesAsync(string admin, string name)
    {
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select pg_database_size(@name)", conn);
        cmd.Parameters.AddWithValue("name", name);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

/// <summary>Child processes: this benchmark in another process, or the product's own command line under /usr/bin/time.</summary>
public static class ChildProcess
{
    /// <summary>This program with <paramref name="args"/>; returns its stdout lines, throws when it fails.</summary>
    public static async Task<string[]> RunAsync(IEnumerable<string> args)
    {
        var self = Environment.ProcessPath!;
        var all = new List<string>();
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            all.Add(typeof(ChildProcess).Assembly.Location);
        }

        all.AddRange(args);
        using var child = Process.Start(new ProcessStartInfo(self, all) { RedirectStandardOutput = true })!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        if (child.ExitCode != 0)
        {
            Console.Write(output);
            throw new InvalidOperationException($"child {string.Join(' ', args)} failed with exit code {child.ExitCode}");
        }

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The product's command line (skolnarvaro, built beside this benchmark).</summary>
    public static ProcessStartInfo Skolnarvaro(IEnumerable<string> args, IDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "skolnarvaro"), args) { RedirectStandardOutput = true };
        foreach (var (k, v) in environment)
        {
            info.Environment[k] = v;
        }

        return info;
    }

    /// <summary>Runs a command to its end under /usr/bin/time; returns wall seconds, peak memory (max RSS, MB) and stdout.</summary>
    public static async Task<(double Seconds, double PeakMb, string Output)> TimedAsync(ProcessStartInfo info)
    {
        var timeFile = Path.GetTempFileName();
        var wrapped = new ProcessStartInfo("/usr/bin/time", ["-o", timeFile, "-f", "%e %M", info.FileName, .. info.ArgumentList])
        {
            RedirectStandardOutput = true,
        };
        foreach (var (k, v) in info.Environment)
        {
            wrapped.Environment[k] = v;
        }

        using var p = Process.Start(wrapped)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        var measured = (await File.ReadAllTextAsync(timeFile)).Trim().Split('\n')[^1].Split(' ');
        File.Delete(timeFile);
        if (p.ExitCode != 0)
        {
            Console.Write(output);
            throw new InvalidOperationException($"{info.FileName} {string.Join(' ', info.ArgumentList)} failed with exit code {p.ExitCode}");
        }

        return (double.Parse(measured[0], CultureInfo.InvariantCulture), double.Parse(measured[1], CultureInfo.InvariantCulture) / 1024, output);
    }

    /// <summary>Peak memory so far (VmHWM, MB) of a running process.</summary>
    public static double PeakMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
