using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Skolnarvaro.Benchmarks;

/// <summary>
/// What partitioning attendance_fact would change, measured on the scale database's facts: two copies of the table, one
/// plain (as the product has it) and one partitioned by school year (range on date) and then by school (hash on
/// skolenhetskod, 16 parts), each filled school by school as 300 schools' imports in one run would, then timed on what the
/// nightly run does with them (a school's term read in key order, the week a new export replaces) and on what a whole
/// country adds (the per-pupil GROUP BY of everything, and removing a school year when it may no longer be kept).
/// The product's own table is not changed.
/// </summary>
public static class PartitionSimulation
{
    private const int HashParts = 16;

    public static async Task RunAsync(string db, IReadOnlyList<string> codes)
    {
        await using var data = NpgsqlDataSource.Create(db);
        var years = new[] { 2025, 2026 };
        var create = $"""
            drop table if exists fact_plain, fact_part;
            create table fact_plain (like attendance_fact including defaults);
            alter table fact_plain add primary key (skolenhetskod, pupil_key, date, import_file_id);
            create table fact_part (like attendance_fact including defaults) partition by range (date);
            alter table fact_part add primary key (skolenhetskod, pupil_key, date, import_file_id);
            {string.Join('\n', years.Select(y => $"""
                create table fact_part_{y} partition of fact_part for values from ('{y}-07-01') to ('{y + 1}-07-01') partition by hash (skolenhetskod);
                {string.Join('\n', Enumerable.Range(0, HashParts).Select(h =>
                    $"create table fact_part_{y}_{h} partition of fact_part_{y} for values with (modulus {HashParts}, remainder {h});"))}
                """))}
            """;
        await ExecAsync(data, create);

        var facts = long.Parse(await ScaleBenchmark.ScalarTextAsync(db, "select count(*)::text from attendance_fact"), CultureInfo.InvariantCulture);
        Console.WriteLine($"partition simulation: {facts:N0} facts of {codes.Count} schools; partitions: school year × hash(skolenhetskod) into {HashParts}");
        foreach (var table in new[] { "fact_plain", "fact_part" })
        {
            // 300 schools' imports in one run: each school's facts written in key order in a transaction of its own.
            var load = await PerSchoolAsync(data, codes, $"insert into {table} select * from attendance_fact where skolenhetskod = @school order by pupil_key, date");
            var analyze = await TimeAsync(data, $"analyze {table}");
            var size = await SizeAsync(db, table);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{table}: load school by school {load:N1} s ({facts / load / 1e6:N2} M rows/s), analyze {analyze:N1} s, size {size}"));
        }

        for (var round = 1; round <= 3; round++)
        {
            foreach (var table in round % 2 == 1 ? new[] { "fact_plain", "fact_part" } : ["fact_part", "fact_plain"])
            {
                // What the analysis reads: each school's term in key order (the nightly run's one statement per school).
                var read = await PerSchoolAsync(data, codes, $"""
                    select count(*), sum(excused_min + unexcused_min) from (
                        select * from {table} where skolenhetskod = @school and date between date '2026-01-08' and date '2026-06-12'
                        order by skolenhetskod, pupil_key, date) t
                    """);
                // A new export of a week replaces that week's facts of the school, in one transaction per school.
                var replace = await PerSchoolAsync(data, codes, $"""
                    with gone as (delete from {table} where skolenhetskod = @school and date between date '2026-06-01' and date '2026-06-05' returning *)
                    insert into {table} select * from gone
                    """);
                var groupBy = await TimeAsync(data, $"""
                    select count(*) from (select skolenhetskod, pupil_key, sum(scheduled_min), sum(excused_min), sum(unexcused_min)
                        from {table} where date between date '2026-01-08' and date '2026-06-12' group by skolenhetskod, pupil_key) t
                    """);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round} {table}: every school's term read {read:N1} s, every school's week replaced {replace:N1} s, per-pupil GROUP BY of the term {groupBy:N1} s"));
            }
        }

        // Removing a school year (gallring): a DELETE of every row of it against dropping its partitions.
        var deleteYear = await TimeAsync(data, "delete from fact_plain where date >= date '2025-07-01' and date < date '2026-07-01'");
        var dropYear = await TimeAsync(data, "alter table fact_part detach partition fact_part_2025; drop table fact_part_2025");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"removing the school year 2025/26: plain DELETE {deleteYear:N1} s (then a VACUUM to reclaim the space), partitioned DETACH and DROP {dropYear:N2} s"));
        await ExecAsync(data, "drop table fact_plain, fact_part");
    }

    private static async Task<double> PerSchoolAsync(NpgsqlDataSource data, IReadOnlyList<string> codes, string sql)
    {
        var sw = Stopwatch.StartNew();
        await using var conn = await data.OpenConnectionAsync();
        foreach (var code in codes)
        {
            await using var tx = await conn.BeginTransactionAsync();
            await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
            cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, code);
            await using (var r = await cmd.ExecuteReaderAsync())
            {
                while (await r.ReadAsync())
                {
                }
            }

            await tx.CommitAsync();
        }

        return sw.Elapsed.TotalSeconds;
    }

    private static async Task<double> TimeAsync(NpgsqlDataSource data, string sql)
    {
        var sw = Stopwatch.StartNew();
        await ExecAsync(data, sql);
        return sw.Elapsed.TotalSeconds;
    }

    private static async Task ExecAsync(NpgsqlDataSource data, string sql)
    {
        await using var cmd = data.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
        }
    }

    private static Task<string> SizeAsync(string db, string table) => ScaleBenchmark.ScalarTextAsync(db, $"""
        select pg_size_pretty(sum(pg_total_relation_size(c.oid)))
        from pg_class c where c.oid = '{table}'::regclass or c.oid in (select relid from pg_partition_tree('{table}'))
        """);
}
