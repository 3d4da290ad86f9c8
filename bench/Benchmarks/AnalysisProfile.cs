using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Analysis.Patterns;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Runs;

namespace Skolnarvaro.Benchmarks;

/// <summary>
/// Where the analysis of every school spends its time: each of the analysis's statements on its own, summed over the
/// schools, then the whole assessment and the flags' transaction, beside the GROUP BY. Each step is one pass over all
/// schools; the passes run <c>rounds</c> times and the median of each is printed. Not a ratio: a map for the next cut.
/// </summary>
public static class AnalysisProfile
{
    public static async Task<int> RunAsync(Microsoft.Extensions.Hosting.IHost host, IReadOnlyList<string> codes, DateOnly asOf, int rounds)
    {
        var db = host.Get<NpgsqlDataSource>();
        var facts = host.Get<AttendanceFactStore>();
        var subjects = host.Get<SubjectFactStore>();
        var analysis = host.Get<ThresholdAnalysis>();
        var flags = host.Get<FlagStore>();
        var runs = host.Get<RunStore>();
        var term = Term.Containing(asOf);
        var assessed = new Dictionary<string, SchoolAssessment>();
        foreach (var code in codes)
        {
            assessed[code] = await analysis.AssessSchoolAsync(code, asOf);
        }

        var steps = new List<(string Name, Func<string, Task> Step)>
        {
            ("driftsform", async c => await facts.DriftsformAsync(c)),
            ("arrivals elsewhere", async c => await facts.ArrivalsElsewhereAsync(c, asOf)),
            ("school days in the term, a query of their own (before)", c => SchoolDaysQueryAsync(db, c, term.Start, asOf)),
            ("facts: server and wire only (COPY out, not parsed)", c => CopyOutAsync(db, c, term.Start, asOf)),
            ("facts: streamed into DayFacts, nothing computed", async c =>
            {
                long n = 0;
                await foreach (var (_, days) in facts.ReadPupilsAsync(c, term.Start, asOf))
                {
                    n += days.Count;
                }
            }),
            ("subjects of the flagged", async c => await subjects.ReadAsync(c, assessed[c].Flagged.Select(f => (f.Figures.PupilKey, f.Figures.Recent.From ?? asOf)).ToList(), asOf)),
            ("shows days", async c => await facts.ShowsDaysAsync(c, term.Start, asOf)),
            ("whole assessment (all of the above and figures)", async c => await analysis.AssessSchoolAsync(c, asOf)),
        };

        var runId = await runs.StartAsync("nightly", asOf, """{"benchmark":"profile"}""");
        steps.Add(("flags and level history (one transaction, rolled back)", async c =>
        {
            await using var conn = await db.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await flags.RecordAsync(conn, runId, assessed[c]);
            await tx.RollbackAsync();
        }));

        var times = steps.ToDictionary(s => s.Name, _ => new List<double>());
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var (name, step) in steps)
            {
                var sw = Stopwatch.StartNew();
                foreach (var code in codes)
                {
                    await step(code);
                }

                times[name].Add(sw.Elapsed.TotalSeconds);
            }
        }

        await runs.FinishAsync(runId, true, "{}");
        foreach (var (name, _) in steps)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-58} {Stats.Describe(times[name], "s")}, summed over {codes.Count} schools"));
        }

        return 0;
    }

    /// <summary>
    /// The query that asked, before the fact read, whether the school has a recent window of school days in the term (from
    /// the first 4,000 rows the index gives); the analysis now learns it from the read itself.
    /// </summary>
    private static async Task SchoolDaysQueryAsync(NpgsqlDataSource db, string school, DateOnly from, DateOnly to)
    {
        await using var cmd = db.CreateCommand("""
            select count(distinct date) >= 20 from (
                select date from attendance_fact
                where skolenhetskod = @school and date between @from and @to and scheduled_min > 0
                limit 4000) first_rows
            """);
        cmd.Parameters.AddWithValue("school", NpgsqlTypes.NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        await cmd.ExecuteScalarAsync();
    }

    /// <summary>The analysis's fact query as binary COPY, read and thrown away: what PostgreSQL and the socket cost, without Npgsql's rows.</summary>
    private static async Task CopyOutAsync(NpgsqlDataSource db, string school, DateOnly from, DateOnly to)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand("set local enable_sort = off", conn, tx))
        {
            await set.ExecuteNonQueryAsync();
        }

        await using var reader = await conn.BeginRawBinaryCopyAsync($"""
            copy (select pupil_key, date, scheduled_min, excused_min, unexcused_min, late_min, not_reported_min
                  from attendance_fact
                  where skolenhetskod = '{school}'::char(8) and date between '{from:yyyy-MM-dd}' and '{to:yyyy-MM-dd}'
                  order by skolenhetskod, pupil_key, date) to stdout (format binary)
            """);
        var buffer = new byte[1 << 16];
        while (await reader.ReadAsync(buffer, 0, buffer.Length) > 0)
        {
        }
    }
}
