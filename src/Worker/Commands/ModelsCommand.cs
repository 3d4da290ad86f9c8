using System.CommandLine;
using Spectre.Console;
using Skolnarvaro.Insights.Trend;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Commands;

/// <summary><c>models</c>: the trend model registry: list, activate by hand, and move a model between databases.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List the trend models: version, training period, held-out AUC, active or not, and why.");
        command.SetAction((_, ct) => RunAsync(ct, async (registry, ct) => ModelsPrint.Print(await registry.ListAsync(ct))));
        command.Subcommands.Add(Activate());
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Import());
        return command;
    }

    private static Command Activate()
    {
        var version = new Argument<long>("version") { Description = "The model version, as `models` lists it." };
        var activate = new Command("activate",
            "Make a model the active one by hand (e.g. to roll back); the nightly run scores with it if it qualifies.") { version };
        activate.SetAction((parse, ct) => RunAsync(ct, async (registry, ct) =>
        {
            var nightly = await registry.ActivateAsync(parse.GetValue(version), ct);
            AnsiConsole.MarkupLine($"Model v{parse.GetValue(version)} is active. Nightly run: {Markup.Escape(nightly)}");
        }));
        return activate;
    }

    private static Command Export()
    {
        var version = new Argument<long>("version") { Description = "The model version to export." };
        var file = new Option<FileInfo>("--file") { Description = "The file to write (JSON: the registry record and the model).", Required = true };
        var reproducible = new Option<bool>("--reproducible")
        {
            Description = "Leave out the creation and activation times and the training's durations: the same facts and seed then write the same file " +
                          "(how sample-data/trend-model.json is made, scripts/sample-model.sh).",
        };
        var export = new Command("export", "Write a model and its record to a file, to import it into another database.") { version, file, reproducible };
        export.SetAction((parse, ct) => RunAsync(ct, async (registry, ct) =>
        {
            var path = parse.GetValue(file)!.FullName;
            await registry.ExportAsync(parse.GetValue(version), path, parse.GetValue(reproducible), ct);
            AnsiConsole.MarkupLine($"Model v{parse.GetValue(version)} written to {Markup.Escape(path)}");
        }));
        return export;
    }

    private static Command Import()
    {
        var file = new Option<FileInfo>("--file") { Description = "A file written by `models export`.", Required = true };
        var import = new Command("import", "Add a model exported from another database, inactive; `models activate` makes it active.") { file };
        import.SetAction((parse, ct) => RunAsync(ct, async (registry, ct) =>
            AnsiConsole.MarkupLine($"Imported as v{await registry.ImportAsync(parse.GetValue(file)!.FullName, ct)} (inactive).")));
        return import;
    }

    /// <summary>Starts the host, runs the registry request (stopped by SIGTERM or Ctrl+C), and turns a refusal into exit code 2.</summary>
    private static async Task<int> RunAsync(CancellationToken ct, Func<ModelRegistry, CancellationToken, Task> request)
    {
        using var host = await WorkerHost.StartAsync(ct: ct);
        return await Interruptible.RunAsync(host, ct, "the model registry was not changed.", async ct =>
        {
            try
            {
                await request(host.Get<ModelRegistry>(), ct);
                return ExitCodes.Ok;
            }
            catch (ModelRefusedException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.BadConfiguration;
            }
        });
    }
}
