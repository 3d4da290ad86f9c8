using System.CommandLine;
using Spectre.Console;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Generator;

namespace Skolnarvaro.Worker.Commands;

public static class GenerateCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write schools.json and inbox/ into. Default sample-data/ (a single term) or .local/history (--history, --from)." };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed writes the same bytes.", DefaultValueFactory = _ => 20260817 };
        var pupils = new Option<int>("--pupils") { Description = "Number of pupils in the municipality (in the first term of a history).", DefaultValueFactory = _ => 2000 };
        var schools = new Option<int>("--schools") { Description = "Number of schools (the first six are the sample's kinds of exporter).", DefaultValueFactory = _ => 6 };
        var termStart = new Option<DateOnly?>("--term-start") { Description = "First day of the single term (yyyy-MM-dd). Default 2026-08-17." };
        var asOf = new Option<DateOnly?>("--as-of") { Description = "Last day exported (yyyy-MM-dd). Default 2026-11-20." };
        var from = new Option<DateOnly?>("--from")
        {
            Description = "Write a multi-term history from this day (yyyy-MM-dd) to --as-of: every term of the Swedish school "
                + "calendar in between, pupils whose absence evolves over time, one file set per term per school.",
        };
        var history = new Option<bool>("--history") { Description = "The sample history for the trend model: --from 2025-08-18 --as-of 2026-11-20 (HT2025, VT2026, HT2026)." };
        var dynamics = new Option<HistoryDynamics>("--dynamics")
        {
            Description = "How a history's absence develops (with --history or --from). Drift: the first generator, the one the trend "
                + "model was designed on. Published: a second generator designed apart from it after published descriptions of "
                + "absence (gradual withdrawal, onset after a lov, Monday/Friday, sudden refusal, chronic illness with returns, "
                + "class outbreaks, family trips, pupils who move), F–9, a regional calendar; also writes history-outbreaks.csv. "
                + "See docs/history-generators.md.",
            DefaultValueFactory = _ => HistoryDynamics.Drift,
        };
        var command = new Command("generate", "Write synthetic attendance exports and a school registry: seeded, deterministic, any size.")
        {
            output, seed, pupils, schools, termStart, asOf, from, history, dynamics,
        };
        command.SetAction(parse =>
        {
            var fromDate = parse.GetValue(from) ?? (parse.GetValue(history) ? GeneratorOptions.DefaultHistoryFrom : default);
            if (ConflictingChoices(fromDate, parse.GetValue(termStart), parse.GetValue(dynamics)) is { } conflict)
            {
                Console.Error.WriteLine(conflict);
                return ExitCodes.BadConfiguration;
            }
            var options = new GeneratorOptions(
                parse.GetValue(output)?.FullName
                    ?? Path.Combine(WorkerHost.Home, fromDate != default ? Path.Combine(".local", "history") : "sample-data"),
                parse.GetValue(seed), parse.GetValue(pupils), parse.GetValue(schools),
                parse.GetValue(termStart) ?? default, parse.GetValue(asOf) ?? default, fromDate, parse.GetValue(dynamics));
            if (OutOfRange(options) is { } problem)
            {
                Console.Error.WriteLine(problem);
                return ExitCodes.BadConfiguration;
            }
            var result = SampleGenerator.Generate(options, new Progress<string>(line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]")));
            AnsiConsole.MarkupLine($"Wrote {result.Schools} schools, {result.Pupils:N0} pupils, {result.Files} files, {result.Rows:N0} rows to {Markup.Escape(options.OutputDirectory)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A single term's start given with a history, or a history's dynamics without one.</summary>
    private static string? ConflictingChoices(DateOnly fromDate, DateOnly? termStart, HistoryDynamics dynamics)
    {
        if (fromDate != default && termStart is not null)
        {
            return "--term-start is for a single term; a history starts at --from (or --history). Give one of them.";
        }

        return fromDate == default && dynamics != HistoryDynamics.Drift
            ? $"--dynamics {dynamics} shapes a multi-term history: add --history or --from."
            : null;
    }

    private static string? OutOfRange(GeneratorOptions options)
    {
        if (options.EffectiveAsOf < options.EffectiveTermStart)
        {
            return $"--as-of {options.EffectiveAsOf:yyyy-MM-dd} is before the start {options.EffectiveTermStart:yyyy-MM-dd}; nothing was written.";
        }

        return options.Schools < 1 || options.Pupils < options.Schools
            ? $"--schools must be at least 1 and --pupils at least the number of schools (got {options.Schools} schools, {options.Pupils} pupils)."
            : null;
    }
}
