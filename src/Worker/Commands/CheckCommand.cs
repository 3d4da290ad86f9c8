using System.CommandLine;
using Spectre.Console;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Commands;

/// <summary><c>skolnarvaro check</c>: is this production configuration ready for its first night?</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var asOf = new Option<DateOnly?>("--as-of") { Description = "Run the check's night as if on this date (yyyy-MM-dd). Default: today in Europe/Stockholm." };
        var database = new Option<string?>("--database")
        {
            Description = "An empty scratch database (Npgsql connection string) for the check's night. Default: one created beside the configured database and dropped afterwards.",
        };
        var command = new Command("check",
            "Check a production configuration before the first night: validate it, run the whole nightly job on the real registry and inboxes " +
            "in a scratch database (digests written as .eml files under out/check, nothing sent, nothing left behind), and log in at the SMTP server without sending.")
        {
            asOf, database,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            var result = await new ProductionCheck(host).RunAsync(parse.GetValue(asOf), parse.GetValue(database), ct);
            if (result.Night is { } night)
            {
                RunOnceCommand.Print(night, demo: false);
            }

            AnsiConsole.MarkupLine($"Digests as they would go out: {Markup.Escape(result.DigestFolder)}");
            foreach (var note in result.Notes)
            {
                AnsiConsole.MarkupLine($"[grey]note:[/] {Markup.Escape(note)}");
            }

            foreach (var problem in result.Problems)
            {
                AnsiConsole.MarkupLine($"[red]problem:[/] {Markup.Escape(problem)}");
            }

            AnsiConsole.MarkupLine(result.Ready ? "[green]Ready for the first night.[/]" : $"[red]Not ready: {result.Problems.Count} problem(s) above.[/]");
            return result.Ready ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }
}
