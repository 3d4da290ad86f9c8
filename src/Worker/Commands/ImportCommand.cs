using System.CommandLine;
using Spectre.Console;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.Ingestion.Quarantine;
using Skolnarvaro.Ingestion.Schools;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Commands;

public static class ImportCommand
{
    public static Command Create()
    {
        var school = new Option<string>("--school") { Description = "The school's skolenhetskod (8 digits), as in the school registry.", Required = true };
        var profile = new Option<string?>("--profile") { Description = "Export profile to read the files with. Default: the school's profile from the registry." };
        var files = new Argument<FileInfo[]>("files") { Description = "Export files to import, in this order.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("import", "Import export files for one school outside the nightly run: all or nothing per file, once per file.")
        {
            school, profile, files,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            var code = parse.GetValue(school)!;
            var settings = host.Ingestion().Schools.FirstOrDefault(s => s.Skolenhetskod == code)
                ?? throw new ConfigurationException($"--school {code}: no school with that skolenhetskod in the registry (Skolnarvaro:Schools).");
            var resolved = parse.GetValue(profile) is { } name
                ? ResolvedProfile.Resolve(name, null, host.Ingestion().Profiles, $"--profile {name}")
                : host.Get<SchoolProfiles>().For(settings);

            var results = new List<ImportResult>();
            foreach (var file in parse.GetValue(files)!)
            {
                if (!file.Exists)
                {
                    AnsiConsole.MarkupLine($"[red]{Markup.Escape(file.FullName)}: file not found.[/]");
                    return ExitCodes.BadConfiguration;
                }

                ImportResult result = null!;
                await AnsiConsole.Progress()
                    .AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask(Markup.Escape(file.Name), maxValue: 1.0);
                        result = await host.Get<FileImporter>().ImportAsync(settings, resolved, file.FullName,
                            new Progress<double>(p => task.Value = p), ct);
                        task.Value = 1.0;
                    });
                results.Add(result);
                var colour = result.Status switch { ImportStatus.Imported => "green", ImportStatus.AlreadyImported => "grey", _ => "red" };
                AnsiConsole.MarkupLine($"[{colour}]{Markup.Escape(result.Message)}[/]");
            }

            return results.Any(r => r.Status == ImportStatus.Rejected) ? ExitCodes.FileRejected : ExitCodes.Ok;
        });
        return command;
    }
}

public static class QuarantineCommand
{
    public static Command Create()
    {
        var school = new Option<string>("--school") { Description = "The school's skolenhetskod (8 digits).", Required = true };
        var limit = new Option<int>("--limit") { Description = "Show at most this many rows (newest files first).", DefaultValueFactory = _ => 200 };
        var command = new Command("quarantine", "List the rows of a school's exports that were quarantined, and why.") { school, limit };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            var rows = await host.Get<QuarantineStore>().ListAsync(parse.GetValue(school)!, parse.GetValue(limit), ct);
            if (rows.Count == 0)
            {
                AnsiConsole.MarkupLine("Nothing quarantined for this school.");
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("File", "Imported", "Line", "Column", "Value", "Reason");
            foreach (var r in rows)
            {
                table.AddRow(Markup.Escape($"{r.FileName}{(r.FileStatus == "Rejected" ? " (rejected)" : "")}"), r.ImportedAt.ToString("yyyy-MM-dd HH:mm"),
                    r.Line.ToString(), Markup.Escape(r.Column ?? ""), Markup.Escape(r.Value ?? ""), Markup.Escape(r.Reason));
            }

            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
