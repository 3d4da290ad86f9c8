using System.CommandLine;
using Microsoft.Extensions.Hosting;
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
            var (settings, resolved) = SchoolAndProfile(host, parse.GetValue(school)!, parse.GetValue(profile));
            return await ImportFilesAsync(host, settings, resolved, parse.GetValue(files)!, parse.GetValue(allowShrink), stopping.Token);
        });
        return command;
    }

    /// <summary>The school from the registry, and the profile named on the command line or else the school's own.</summary>
    private static (SchoolSettings Settings, ResolvedProfile Profile) SchoolAndProfile(IHost host, string code, string? profile)
    {
        var settings = host.Get<ImportedSchools>().All.FirstOrDefault(s => s.Skolenhetskod == code)
            ?? throw new ConfigurationException($"--school {code}: no school with that skolenhetskod in the registry (Skolnarvaro:Schools).");
        var resolved = profile is { } name
            ? ResolvedProfile.Resolve(name, null, host.Ingestion().Profiles, $"--profile {name}")
            : host.Get<SchoolProfiles>().For(settings);
        return (settings, resolved);
    }

    /// <summary>The files in order, each printed as it is done; rosters go to the roster import.</summary>
    private static async Task<int> ImportFilesAsync(
        IHost host, SchoolSettings settings, ResolvedProfile resolved, FileInfo[] files, bool allowShrink, CancellationToken ct)
    {
        var results = new List<ImportResult>();
        var rosterRejected = false;
        foreach (var file in files)
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

            ImportResult result;
            try
            {
                result = await ImportWithProgressAsync(host, settings, resolved, file, allowShrink, ct);
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
    }

    private static async Task<ImportResult> ImportWithProgressAsync(
        IHost host, SchoolSettings settings, ResolvedProfile resolved, FileInfo file, bool allowShrink, CancellationToken ct)
    {
        ImportResult result = null!;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(file.Name), maxValue: 1.0);
                result = await host.Get<FileImporter>().ImportAsync(settings, resolved, file.FullName,
                    new Progress<ImportProgress>(p => task.Value = p.Fraction), ct, allowShrink: allowShrink);
                task.Value = 1.0;
            });
        return result;
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
