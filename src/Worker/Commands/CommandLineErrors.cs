using System.CommandLine;
using System.CommandLine.Parsing;

namespace Skolnarvaro.Worker.Commands;

/// <summary>
/// Command-line mistakes in one line a person can act on ("--as-of '2026-02-30': not a date; expected yyyy-MM-dd"),
/// instead of the parser's message with a .NET type name; the caller exits with 2.
/// </summary>
public static class CommandLineErrors
{
    public static string Describe(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        // At the top level a word that is no command is the whole mistake: the parser's second complaint, that no command
        // was given, would only repeat it.
        if (!command.Parents.Any() && command.Subcommands.Count > 0)
        {
            var commands = string.Join(", ", command.Subcommands.Select(c => c.Name));
            return parsed.UnmatchedTokens is [var first, ..]
                ? $"Unknown command '{first}'; the commands are {commands} (see skolnarvaro --help)."
                : $"No command given; the commands are {commands} (see skolnarvaro --help).";
        }

        var messages = parsed.Errors.Select(Describe).Distinct().ToList();
        var help = command.Parents.Any() ? $"skolnarvaro {Path(command)} --help" : "skolnarvaro --help";
        return $"{string.Join("; ", messages)} (see {help}).";
    }

    private static string Describe(ParseError error)
    {
        var (name, valueType, tokens) = error.SymbolResult switch
        {
            OptionResult o => (o.Option.Name, o.Option.ValueType, o.Tokens),
            ArgumentResult { Parent: OptionResult o } a => (o.Option.Name, a.Argument.ValueType, a.Tokens),
            ArgumentResult a => ($"<{a.Argument.Name}>", a.Argument.ValueType, a.Tokens),
            _ => ("", typeof(void), (IReadOnlyList<Token>)[]),
        };

        // A value the parser could not convert: say what was given and what is expected, in words.
        if (tokens.Count > 0 && Expected(valueType) is { } expected && error.Message.StartsWith("Cannot parse", StringComparison.Ordinal))
        {
            return $"{name} '{string.Join(' ', tokens.Select(t => t.Value))}': {expected}";
        }

        return error.Message;
    }

    private static string? Expected(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? (type.IsArray ? type.GetElementType()! : type);
        return t == typeof(DateOnly) ? "not a date; expected yyyy-MM-dd, e.g. 2026-11-20"
            : t == typeof(int) || t == typeof(long) ? "not a whole number"
            : t == typeof(double) || t == typeof(decimal) ? "not a number"
            : t == typeof(bool) ? "expected true or false"
            : t.IsEnum ? $"expected one of {string.Join(", ", Enum.GetNames(t))}"
            : null;
    }

    private static string Path(Command command) =>
        command.Parents.OfType<Command>().FirstOrDefault() is { } parent && parent.Parents.Any() ? $"{Path(parent)} {command.Name}" : command.Name;
}
