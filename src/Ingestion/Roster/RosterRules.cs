using System.Text.RegularExpressions;
using Skolnarvaro.Ingestion.Identity;

namespace Skolnarvaro.Ingestion.Roster;

/// <summary>One mentor of one class as stored: the class in the exports' spelling, the address in lower case.</summary>
public sealed record RosterEntry(string Class, string Mentor, string Email);

/// <summary>What the rules made of a roster's rows: the entries, the problems, and rows that only repeated an earlier one.</summary>
internal sealed record RosterVerdict(IReadOnlyList<RosterEntry> Entries, IReadOnlyList<RosterProblem> Problems, IReadOnlyList<(int Line, int First)> Repeats);

/// <summary>
/// The rules a roster's rows must keep: a class the school's exports have, a mentor's name, one e-mail address, and no
/// personnummer anywhere. A row that repeats an earlier one counts once; an address given with two names is a problem.
/// </summary>
internal static partial class RosterRules
{
    public const int MaxNameLength = 100;

    public static RosterVerdict Check(IReadOnlyList<RosterRow> rows, IReadOnlyCollection<string> classes)
    {
        var known = KnownClasses(classes);
        var problems = new List<RosterProblem>();
        var entries = new List<RosterEntry>();
        var repeats = new List<(int, int)>();
        var byAddress = new Dictionary<string, (string Name, int Line)>(StringComparer.Ordinal);
        var seen = new Dictionary<(string, string), int>();
        foreach (var row in rows)
        {
            if (ProblemOf(row, known) is { } problem)
            {
                problems.Add(problem);
                continue;
            }

            var entry = new RosterEntry(known[ClassKey(row.Class)], row.Mentor, row.Email.ToLowerInvariant());
            if (byAddress.TryGetValue(entry.Email, out var earlier) && !string.Equals(earlier.Name, entry.Mentor, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(new RosterProblem(row.Line, RosterReader.MentorColumn, row.Mentor,
                    $"the address {entry.Email} has the name '{QuarantineMasking.Excerpt(earlier.Name)}' on line {earlier.Line}; one address is one mentor, " +
                    "so give it the same name on every row"));
                continue;
            }

            byAddress.TryAdd(entry.Email, (entry.Mentor, row.Line));
            if (seen.TryGetValue((entry.Class, entry.Email), out var first))
            {
                repeats.Add((row.Line, first));
                continue;
            }

            seen[(entry.Class, entry.Email)] = row.Line;
            entries.Add(entry);
        }

        return new RosterVerdict(entries, problems, repeats);
    }

    private static RosterProblem? ProblemOf(RosterRow row, Dictionary<string, string> known)
    {
        foreach (var (column, value) in new[] { (RosterReader.ClassColumn, row.Class), (RosterReader.MentorColumn, row.Mentor), (RosterReader.EmailColumn, row.Email) })
        {
            if (QuarantineMasking.HoldsPersonnummer(value))
            {
                return new RosterProblem(row.Line, column, value,
                    "it holds what reads as a personnummer; a roster names classes and mentors and never holds a personnummer: remove it");
            }
        }

        return ClassProblem(row, known) ?? MentorProblem(row) ?? EmailProblem(row);
    }

    private static RosterProblem? ClassProblem(RosterRow row, Dictionary<string, string> known) =>
        row.Class.Length == 0 ? new RosterProblem(row.Line, RosterReader.ClassColumn, null, "the class is missing; expected a class as the exports name it, e.g. 7A")
        : !known.ContainsKey(ClassKey(row.Class)) ? new RosterProblem(row.Line, RosterReader.ClassColumn, row.Class, "no such class in the school's exports this school year")
        : null;

    private static RosterProblem? MentorProblem(RosterRow row) =>
        row.Mentor.Length == 0 ? new RosterProblem(row.Line, RosterReader.MentorColumn, null, "the mentor's name is missing; expected a name, e.g. Anna Svensson")
        : !row.Mentor.Any(char.IsLetter) ? new RosterProblem(row.Line, RosterReader.MentorColumn, row.Mentor, "not a name; expected the mentor's name, e.g. Anna Svensson")
        : row.Mentor.Length > MaxNameLength ? new RosterProblem(row.Line, RosterReader.MentorColumn, row.Mentor, $"longer than the {MaxNameLength} characters a name may have")
        : null;

    private static RosterProblem? EmailProblem(RosterRow row) =>
        row.Email.Length == 0 ? new RosterProblem(row.Line, RosterReader.EmailColumn, null, "the e-mail address is missing; expected one such as anna.svensson@skola.example.se")
        : SeveralAddresses().IsMatch(row.Email) ? new RosterProblem(row.Line, RosterReader.EmailColumn, row.Email,
            "more than one address; give each mentor a row of their own, with one address")
        : !IsAddress(row.Email) ? new RosterProblem(row.Line, RosterReader.EmailColumn, row.Email,
            "not an e-mail address; expected one address such as anna.svensson@skola.example.se")
        : null;

    private static bool IsAddress(string value) =>
        value.Length <= 254 && Address().IsMatch(value) && !value.Contains("..", StringComparison.Ordinal) && value.Split('@')[0].Length <= 64;

    /// <summary>The exports' classes by a key that forgives case and spaces ("7 a" is 7A), each with the exports' spelling.</summary>
    private static Dictionary<string, string> KnownClasses(IReadOnlyCollection<string> classes)
    {
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in classes.Order(StringComparer.Ordinal))
        {
            known.TryAdd(ClassKey(name), name);
        }

        return known;
    }

    private static string ClassKey(string name) => string.Concat(name.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();

    // Local part and a domain of at least two labels, ASCII only: what a mail server everywhere accepts.
    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$")]
    private static partial Regex Address();

    [GeneratedRegex("@.*@")]
    private static partial Regex SeveralAddresses();
}
