using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Commands;

/// <summary><c>models</c>: the trend model registry: list, activate by hand, and move a model between databases.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List the trend models: version, training period, held-out AUC, active or not, and why.");
        command.SetAction(async (_, ct) => await ListAsync(ct));
        command.Subcommands.Add(Activate());
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Import());
        return command;
    }

    private static async Task<int> ListAsync(CancellationToken ct)
    {
        using var host = await WorkerHost.StartAsync(ct: ct);
        var models = await host.Get<TrendModelStore>().ListAsync(ct);
        var status = await host.Get<TrendScoring>().StatusAsync(ct);
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
        }

        if (models.Count == 0)
        {
            AnsiConsole.MarkupLine("No trend models yet; train one with `skolnarvaro train`.");
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("Version", "Created (UTC)", "Trained on", "Held out", "Seed", "Horizon", "Held-out AUC", "Active", "Decision");
            foreach (var m in models)
            {
                table.AddRow($"v{m.Version}", m.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    $"{m.TrainedFrom:yyyy-MM-dd} – {m.TrainedTo:yyyy-MM-dd}", $"{m.HeldOutFrom:yyyy-MM-dd} – {m.HeldOutTo:yyyy-MM-dd}",
                    m.Seed.ToString(CultureInfo.InvariantCulture), $"{m.HorizonWeeks} weeks", m.HeldOutAuc.ToString("0.000", CultureInfo.InvariantCulture),
                    m.Active ? "[green]active[/]" : "", Markup.Escape(m.Decision));
            }

            AnsiConsole.Write(table);
        }

        AnsiConsole.MarkupLine($"Nightly run: {Markup.Escape(status.Summary)}");
        return ExitCodes.Ok;
    }

    private static Command Activate()
    {
        var version = new Argument<long>("version") { Description = "The model version, as `models` lists it." };
        var activate = new Command("activate",
            "Make a model the active one by hand (e.g. to roll back); the nightly run scores with it if it qualifies.") { version };
        activate.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            var v = parse.GetValue(version);
            if (!await host.Get<TrendModelStore>().ActivateAsync(v, $"Activated by hand {host.Get<TimeProvider>().GetUtcNow():yyyy-MM-dd}.", ct))
            {
                await Console.Error.WriteLineAsync($"No model v{v}; `skolnarvaro models` lists them.");
                return ExitCodes.BadConfiguration;
            }

            AnsiConsole.MarkupLine($"Model v{v} is active. Nightly run: {Markup.Escape((await host.Get<TrendScoring>().StatusAsync(ct)).Summary)}");
            return ExitCodes.Ok;
        });
        return activate;
    }

    private static Command Export()
    {
        var exportVersion = new Argument<long>("version") { Description = "The model version to export." };
        var exportFile = new Option<FileInfo>("--file") { Description = "The file to write (JSON: the registry record and the model).", Required = true };
        var reproducible = new Option<bool>("--reproducible")
        {
            Description = "Leave out the creation and activation times and the training's durations: the same facts and seed then write the same file " +
                          "(how sample-data/trend-model.json is made, scripts/sample-model.sh).",
        };
        var export = new Command("export", "Write a model and its record to a file, to import it into another database.") { exportVersion, exportFile, reproducible };
        export.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            var store = host.Get<TrendModelStore>();
            var v = parse.GetValue(exportVersion);
            if (await store.GetAsync(v, ct) is not { } info)
            {
                await Console.Error.WriteLineAsync($"No model v{v}; `skolnarvaro models` lists them.");
                return ExitCodes.BadConfiguration;
            }

            var path = parse.GetValue(exportFile)!.FullName;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var record = parse.GetValue(reproducible) ? info.Reproducible() : info;
            await File.WriteAllTextAsync(path, new TrendModelFile(record, await store.BytesAsync(v, ct)).ToJson(), ct);
            AnsiConsole.MarkupLine($"Model v{v} written to {Markup.Escape(path)}");
            return ExitCodes.Ok;
        });
        return export;
    }

    private static Command Import()
    {
        var importFile = new Option<FileInfo>("--file") { Description = "A file written by `models export`.", Required = true };
        var import = new Command("import", "Add a model exported from another database, inactive; `models activate` makes it active.") { importFile };
        import.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            var path = parse.GetValue(importFile)!.FullName;
            var (exported, error) = await TrendModelFile.ReadAsync(path, ct);
            if (exported is null)
            {
                await Console.Error.WriteLineAsync(error);
                return ExitCodes.BadConfiguration;
            }

            try
            {
                var v = await host.Get<TrendModelStore>().ImportAsync(exported.Info, exported.Model, Path.GetFileName(path), ct);
                AnsiConsole.MarkupLine($"Imported as v{v} (inactive).");
                return ExitCodes.Ok;
            }
            catch (TrendTrainingException e)
            {
                await Console.Error.WriteLineAsync($"{path}: {e.Message}");
                return ExitCodes.BadConfiguration;
            }
        });
        return import;
    }
}
