using System.CommandLine;
using Spectre.Console;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Generate;

namespace Skolnarvaro.Worker.Commands;

public static class GenerateCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write schools.json and inbox/ into.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(WorkerHost.Home, "sample-data")) };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed writes the same bytes.", DefaultValueFactory = _ => 20260817 };
        var pupils = new Option<int>("--pupils") { Description = "Number of pupils in the municipality.", DefaultValueFactory = _ => 2000 };
        var schools = new Option<int>("--schools") { Description = "Number of schools (the first six are the sample's kinds of exporter).", DefaultValueFactory = _ => 6 };
        var termStart = new Option<DateOnly?>("--term-start") { Description = "First day of the term (yyyy-MM-dd). Default 2026-08-17." };
        var asOf = new Option<DateOnly?>("--as-of") { Description = "Last day exported (yyyy-MM-dd). Default 2026-11-20." };
        var command = new Command("generate", "Write synthetic attendance exports and a school registry: seeded, deterministic, any size.")
        {
            output, seed, pupils, schools, termStart, asOf,
        };
        command.SetAction(parse =>
        {
            var options = new GeneratorOptions(
                parse.GetValue(output)!.FullName, parse.GetValue(seed), parse.GetValue(pupils), parse.GetValue(schools),
                parse.GetValue(termStart) ?? default, parse.GetValue(asOf) ?? default);
            var result = SampleGenerator.Generate(options, new Progress<string>(line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]")));
            AnsiConsole.MarkupLine($"Wrote {result.Schools} schools, {result.Pupils:N0} pupils, {result.Files} files, {result.Rows:N0} rows to {Markup.Escape(options.OutputDirectory)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
