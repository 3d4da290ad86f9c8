using System.CommandLine;
using Skolnarvaro.Insights.Backtesting;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Commands;

/// <summary>
/// <c>backtest --config candidate.json</c>: replays history day by day with the candidate thresholds and the current ones
/// and shows, per school and level, whom each would have flagged, how much earlier or later, and the rektors' weekly load.
/// </summary>
public static class BacktestCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config")
        {
            Description = "Candidate thresholds: JSON shaped like appsettings.json ({\"Skolnarvaro\":{\"Thresholds\":{…}}}) or the " +
                          "Thresholds section alone. Keys it leaves out keep their current value.",
            Required = true,
        };
        var from = new Option<DateOnly?>("--from") { Description = "First day to replay (yyyy-MM-dd). Default: the start of the term of --to." };
        var to = new Option<DateOnly?>("--to") { Description = "Last day to replay (yyyy-MM-dd). Default: the last day covered by an imported export." };
        var schools = new Option<string[]>("--school") { Description = "Only this school (skolenhetskod); repeat for more. Default: every school." };
        var csv = new Option<FileInfo?>("--csv") { Description = "Where to write the CSV (';', decimal comma, UTF-8 with BOM, for spreadsheets). Default: out/backtest/backtest-<from>-<to>-<hash>.csv." };
        var nights = new Option<FileInfo?>("--nights")
        {
            Description = "Also write pupils at each level per school and replayed school day (and for all schools) to this CSV: the flags per night.",
        };
        var command = new Command("backtest",
            "Replay history day by day with candidate thresholds and the current ones: pupils flagged per school and level, days earlier or later, flags per week.")
        {
            config, from, to, schools, csv, nights,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            var only = parse.GetValue(schools) is { Length: > 0 } codes ? codes.ToHashSet(StringComparer.Ordinal) : null;
            var request = new BacktestRequest(parse.GetValue(config)!.FullName, parse.GetValue(from), parse.GetValue(to), only,
                parse.GetValue(csv)?.FullName, parse.GetValue(nights)?.FullName);
            return await Interruptible.RunAsync(host, ct, "the back-test was stopped before it finished; it is recorded as failed and wrote no CSV.",
                ct => BacktestAsync(host.Get<BacktestDesk>(), request, ct));
        });
        return command;
    }

    private static async Task<int> BacktestAsync(BacktestDesk desk, BacktestRequest request, CancellationToken ct)
    {
        BacktestPlan plan;
        try
        {
            plan = await desk.PlanAsync(request, ct);
        }
        catch (BacktestRefusedException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return ExitCodes.BadConfiguration;
        }

        BacktestPrint.PrintHeader(plan);
        BacktestPrint.Print(await BacktestPrint.WithProgressAsync(progress => desk.RunAsync(plan, progress, ct)), request.Schools);
        return ExitCodes.Ok;
    }
}
