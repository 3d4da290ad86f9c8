using System.Globalization;
using Skolnarvaro.Benchmarks;

// Benchmarks are not tests: they print times and a ratio against a baseline measured in the same run.
//   dotnet run -c Release --project bench/Benchmarks -- import [rows]
var admin = Environment.GetEnvironmentVariable("SKOLNARVARO_BENCH_DB")
    ?? Environment.GetEnvironmentVariable("SKOLNARVARO_TEST_DB")
    ?? "Host=127.0.0.1;Port=55432;Username=skolnarvaro;Password=skolnarvaro;Database=skolnarvaro";
var work = Path.GetFullPath(Environment.GetEnvironmentVariable("SKOLNARVARO_BENCH_DIR") ?? ".local/bench");

return args switch
{
    ["import", var rows, .. var rest] => await ImportBenchmark.RunAsync(long.Parse(rows, CultureInfo.InvariantCulture), admin, work, rounds: Rounds(rest)),
    ["import"] => await ImportBenchmark.RunAsync(10_000_000, admin, work),
    ["import-by-date", var rows, .. var rest] => await ImportBenchmark.RunAsync(long.Parse(rows, CultureInfo.InvariantCulture), admin, work, byDate: true, rounds: Rounds(rest)),
    ["import-child", var file, var db, var dir] => await ImportBenchmark.ChildAsync(file, db, dir),
    ["import-parse", var file] => await ImportBenchmark.ParseOnlyAsync(Path.GetFullPath(file), admin, work),
    ["nightly", .. var rest] => await NightlyBenchmark.RunAsync(Arg(rest, 0, 20_000), Arg(rest, 1, 5), Arg(rest, 2, 5), admin, work),
    ["nightly-child", var folder, var db, var trend] => await NightlyBenchmark.ChildAsync(folder, db, int.Parse(trend, CultureInfo.InvariantCulture)),
    ["nightly-profile", var rounds] => await FanInProfile.RunAsync(Path.Combine(work, "nightly-20000"),
        new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = "bench_nightly", CommandTimeout = 0 }.ConnectionString, int.Parse(rounds, CultureInfo.InvariantCulture)),
    ["analysis", .. var rest] => await AnalysisBenchmark.RunAsync(rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 20_000, rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 3, admin, work),
    ["scale", .. var rest] => await ScaleBenchmark.RunAsync(Arg(rest, 0, 100_000), Arg(rest, 1, 300), rest.Skip(2).ToArray(), admin, work),
    ["scale-analysis-child", var folder, var db, var rounds] => await ScaleBenchmark.AnalysisChildAsync(folder, db, int.Parse(rounds, CultureInfo.InvariantCulture)),
    ["scale-profile-child", var folder, var db, var rounds] => await ScaleBenchmark.ProfileChildAsync(folder, db, int.Parse(rounds, CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Rounds(string[] rest) => Arg(rest, 0, 1);

static int Arg(string[] rest, int i, int otherwise) => rest.Length > i ? int.Parse(rest[i], CultureInfo.InvariantCulture) : otherwise;

static int Usage()
{
    Console.Error.WriteLine("""
        usage: benchmarks import [rows] [rounds]      our import against psql \copy (default 10,000,000 rows, 1 round;
                                                      with rounds, the median and spread of the ratios)
               benchmarks import-by-date rows [rounds] the same with the rows listed day by day (the staging path)
               benchmarks import-parse file           the import's reading alone, step by step, without PostgreSQL
               benchmarks nightly [pupils] [rounds] [trend-rounds]
                                                      a whole nightly run against psql \copy of its files, then later nights
                                                      with and without a trend model (default 20,000 pupils, 5 and 5 rounds)
               benchmarks nightly-profile rounds      where the fan-in's time goes, on the database the last nightly round left
               benchmarks analysis [pupils] [rounds]  nightly analysis against a plain SQL GROUP BY (default 20,000 pupils, 3 rounds)
               benchmarks scale [pupils] [schools] [step count]...
                                                      a school year of day exports (default 100,000 pupils, 300 schools): steps
                                                      first W, nights R, analysis R, profile R, report R, backtest R, partition, drop
        All need the private PostgreSQL of scripts/postgres.sh, or SKOLNARVARO_BENCH_DB.
        """);
    return 2;
}
