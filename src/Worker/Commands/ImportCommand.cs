using System.CommandLine;
using Spectre.Console;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.Ingestion.Quarantine;
using Skolnarvaro.Ingestion.Roster;
using Skolnarvaro.Ingestion.Schools;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Commands;

public static class ImportCommand
{
    public static Command Create()
    {
        var school = new Option<string>("--school") { Description = "The school's skolenhetskod (8 digits), as in the school registry.", Required = true };
        var profile = new Option<string?>("--profile") { Description = "Export profile to read the files with. Default: the school's profile from the registry." };
        var allowShrink = new Option<bool>("--allow-shrink")
        {
            Description = "Take a file even when it removes facts of pupils who were in the school's earlier exports for its dates " +
                          "(held back otherwise, exit 3): only after checking that the school really removed them.",
        };
        var files = new Argument<FileInfo[]>("files") { Description = "Export files to import, in this order.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("import", "Import export files for one school outside the nightly run: all or nothing per file, once per file.")
        {
            school, profile, allowShrink, files,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            using var stopping = host.StopOrCancel(ct);
            ct = stopping.Token;
            var code = parse.GetValue(school)!;
            var settings = host.Get<ImportedSchools>().All.FirstOrDefault(s => s.Skolenhetskod == code)
                ?? throw new ConfigurationException($"--school {code}: no school with that skolenhetskod in the registry (Skolnarvaro:Schools).");
            var resolved = parse.GetValue(profile) is { } name
                ? ResolvedProfile.Resolve(name, null, host.Ingestion().Profiles, $"--profile {name}")
                : host.Get<SchoolProfiles>().For(settings);

            var results = new List<ImportResult>();
            var rosterRejected = false;
            foreach (var file in parse.GetValue(files)!)
            {
                if (!file.Exists)
                {
                    AnsiConsole.MarkupLine($"[red]{Markup.Escape(file.FullName)}: file not found.[/]");
                    return ExitCodes.BadConfiguration;
                }

                if (RosterFiles.IsRoster(file.Name))
                {
                    var roster = await host.Get<RosterImporter>().ImportAsync(settings, file.FullName, ct: ct);
                    rosterRejected |= roster.Status == RosterImportStatus.Rejected;
                    AnsiConsole.MarkupLine($"[{(roster.Status == RosterImportStatus.Rejected ? "red" : "green")}]{Markup.Escape(roster.Message)}[/]");
                    continue;
                }

                ImportResult result = null!;
                try
                {
                    await AnsiConsole.Progress()
                        .AutoClear(true)
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                        .StartAsync(async ctx =>
                        {
                            var task = ctx.AddTask(Markup.Escape(file.Name), maxValue: 1.0);
                            result = await host.Get<FileImporter>().ImportAsync(settings, resolved, file.FullName,
                                new Progress<ImportProgress>(p => task.Value = p.Fraction), ct, allowShrink: parse.GetValue(allowShrink));
                            task.Value = 1.0;
                        });
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    await Console.Error.WriteLineAsync($"Interrupted: {file.Name} was being imported; nothing of it was kept. The files before it stay imported.");
                    return ExitCodes.Interrupted;
                }
                results.Add(result);
                var colour = result.Status switch { ImportStatus.Imported => "green", ImportStatus.AlreadyImported => "grey", _ => "red" };
                AnsiConsole.MarkupLine($"[{colour}]{Markup.Escape(result.Message)}[/]");
            }

            return rosterRejected || results.Any(r => r.Status == ImportStatus.Rejected) ? ExitCodes.FileRejected : ExitCodes.Ok;
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
        var csv = new Option<FileInfo?>("--csv")
        {
            Description = "Also write, for the school's export administrator, a CSV of what was refused: per file, column and reason, " +
                          "how many rows and their first line numbers (';', UTF-8 with BOM, for spreadsheets).",
        };
        var command = new Command("quarantine", "List the rows of a school's exports that were quarantined, and why.") { school, limit, csv };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            var code = parse.GetValue(school)!;
            if (host.Get<ImportedSchools>().All.All(s => s.Skolenhetskod != code))
            {
                throw new ConfigurationException($"--school {code}: no school with that skolenhetskod in the registry (Skolnarvaro:Schools).");
            }

            var store = host.Get<QuarantineStore>();
            if (parse.GetValue(csv) is { } csvFile)
            {
                var written = await store.WriteReasonsCsvAsync(code, csvFile.FullName, ct);
                AnsiConsole.MarkupLine($"CSV for the school's export administrator: {Markup.Escape(csvFile.FullName)} ({written} reasons).");
            }

            var conflicts = await store.IdentityConflictsAsync(code, ct);
            if (conflicts.Count > 0)
            {
                var names = new Table().Border(TableBorder.Rounded).Title("Same personnummer, another name than stored")
                    .AddColumns("File", "Line", "Name in the file", "Stored name", "Stored at school");
                foreach (var c in conflicts)
                {
                    names.AddRow(Markup.Escape(c.FileName), c.Line.ToString(), Markup.Escape(c.NameInFile), Markup.Escape(c.StoredName),
                        Markup.Escape(c.StoredSchool ?? ""));
                }

                AnsiConsole.Write(names);
            }

            var rows = await store.ListAsync(code, parse.GetValue(limit), ct);
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
