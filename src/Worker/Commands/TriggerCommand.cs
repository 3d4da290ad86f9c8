using System.CommandLine;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;
using Skolnarvaro.Worker.Runs;
using Skolnarvaro.Worker.Orchestration;

namespace Skolnarvaro.Worker.Commands;

public static class TriggerCommand
{
    public static Command Create()
    {
        var asOf = new Option<DateOnly?>("--as-of") { Description = "Run as if on this date (yyyy-MM-dd). Default: as the nightly job (today, or the demo date)." };
        var wait = new Option<bool>("--wait") { Description = "Wait until the workers have finished the run and show its outcome." };
        var command = new Command("trigger",
            "Start a nightly run now on the workers (`skolnarvaro worker`): record it and queue one import job per school. " +
            "Prints the run id; exits 0 when queued (with --wait: when the run succeeded).")
        {
            asOf, wait,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            var nightly = host.Get<NightlyRun>();
            var storage = HangfireSetup.Storage(host.Get<IConfiguration>().GetConnectionString(WorkerHost.ConnectionStringName)!,
                host.Get<IOptions<OrchestrationOptions>>().Value);
            long runId;
            try
            {
                runId = await nightly.BeginAsync(parse.GetValue(asOf) ?? host.Get<RunDates>().Today, dryRun: false, $"manual:{Guid.NewGuid():N}", ct, sendNow: host.Get<RunDates>().Demo);
            }
            catch (RunInProgressException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.Failed;
            }

            var queued = await NightlyJobs.FanOutAsync(nightly, new BackgroundJobClient(storage), runId, ct);
            AnsiConsole.MarkupLine($"Run #{runId}: {queued} school jobs queued for the workers.");
            Console.Out.Flush();
            if (!parse.GetValue(wait))
            {
                return ExitCodes.Ok;
            }

            var status = await StatusCommand.WaitForRunAsync(host, runId, ct);
            await StatusCommand.PrintRunAsync(host, runId, ct);
            return status == "Succeeded" ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }
}
