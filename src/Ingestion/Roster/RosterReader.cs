using System.Text;
using CsvHelper;
using Skolnarvaro.Ingestion.Identity;
using Skolnarvaro.Ingestion.Parsing;

namespace Skolnarvaro.Ingestion.Roster;

/// <summary>One row of a roster as written: a mentor of a class, on its line of the file.</summary>
internal sealed record RosterRow(int Line, string Class, string Mentor, string Email);

/// <summary>What is wrong with one line of a roster, said for the school's administrator.</summary>
internal sealed record RosterProblem(int Line, string? Column, string? Value, string Reason)
{
    /// <summary>Values from the file only as masked excerpts: a personnummer typed into a roster is never echoed.</summary>
    public override string ToString() =>
        $"line {Line}{(Column is null ? "" : $", column '{Column}'")}{(Value is null ? "" : $", value '{QuarantineMasking.Excerpt(Value)}'")}: {Reason}";
}

/// <summary>A roster that cannot be read as one at all: no header, a missing column, too many rows.</summary>
internal sealed class RosterFormatException(string reason) : Exception(reason);

/// <summary>The rows of a roster file and the lines that could not be read as rows.</summary>
internal sealed record RosterRead(IReadOnlyList<RosterRow> Rows, IReadOnlyList<RosterProblem> Problems);

/// <summary>
/// Reads a roster (<c>Klass;Mentor;E-post</c>) with CsvHelper, with the settings every export is read with. Only the
/// shape of each record is judged here; what its values mean is <see cref="RosterRules"/>' work.
/// </summary>
internal static class RosterReader
{
    public const string ClassColumn = "Klass";
    public const string MentorColumn = "Mentor";
    public const string EmailColumn = "E-post";
    public const char Separator = ';';
    public const string Header = "Klass;Mentor;E-post";
    /// <summary>Far more than any school has mentors: a longer file is not a roster, and is not held in memory.</summary>
    public const int MaxRows = 10_000;

    private static readonly string[] Columns = [ClassColumn, MentorColumn, EmailColumn];

    public static RosterRead Read(string path, Encoding encoding, CancellationToken ct)
    {
        using var csv = CsvReader.FromFile(path, ExportReader.CsvOptions(Separator, encoding, _ => { }));
        var index = ColumnIndex(csv.Headers);
        var rows = new List<RosterRow>();
        var problems = new List<RosterProblem>();
        while (csv.Read())
        {
            ct.ThrowIfCancellationRequested();
            if (IsBlank(csv))
            {
                continue;
            }

            if (rows.Count + problems.Count >= MaxRows)
            {
                throw new RosterFormatException($"more than {MaxRows:N0} rows: far more than a school has mentors, so it is not a roster");
            }

            var line = (int)csv.LineNumber;
            if (ShapeProblem(csv, line) is { } problem)
            {
                problems.Add(problem);
                continue;
            }

            rows.Add(new RosterRow(line, Field(csv, index[0]), Field(csv, index[1]), Field(csv, index[2])));
        }

        return new RosterRead(rows, problems);
    }

    /// <summary>The columns' positions in the header, in the order Klass, Mentor, E-post (matched without regard to case).</summary>
    private static int[] ColumnIndex(IReadOnlyList<string> headers)
    {
        var found = Columns.Select(c => IndexOf(headers, c)).ToArray();
        var missing = Columns.Where((_, i) => found[i] < 0).Select(c => $"'{c}'").ToList();
        if (missing.Count == 0)
        {
            return found;
        }

        var has = headers.Count == 0 || headers.All(string.IsNullOrWhiteSpace) ? "nothing (the file is empty)"
            : string.Join(", ", headers.Take(8).Select(h => $"'{QuarantineMasking.Excerpt(h)}'"));
        var hint = headers.Count == 1 && (headers[0].Contains(',') || headers[0].Contains('\t'))
            ? " Its columns are separated by another character than ';': save it as semicolon-separated CSV."
            : "";
        throw new RosterFormatException(
            $"line 1: missing column {string.Join(", ", missing)}; a roster's first line is the header {Header} (separated by ';'). " +
            $"The header has: {has}.{hint}");
    }

    private static int IndexOf(IReadOnlyList<string> headers, string column)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Trim(), column, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A record that is not one row of three values: bytes no text holds, a stray quote, fields missing or too many.</summary>
    private static RosterProblem? ShapeProblem(CsvReader csv, int line)
    {
        var breaks = FileScan.Breaks(csv.RawRecord.TrimEnd("\r\n"u8));
        if (breaks > 0)
        {
            return new RosterProblem(line, null, null,
                $"a quote opens a value here that runs on to line {line + breaks}, so those lines read as one value; remove the stray quote");
        }

        if (csv.RawRecord.Contains((byte)0))
        {
            return new RosterProblem(line, null, null, "the row holds a NUL byte (0x00), which no text may hold");
        }

        if (csv.FieldCount < csv.Headers.Count)
        {
            return new RosterProblem(line, null, null,
                $"the row has {csv.FieldCount} values, the header {csv.Headers.Count}: expected class, mentor and e-post separated by ';'");
        }

        for (var i = csv.Headers.Count; i < csv.FieldCount; i++)
        {
            if (!csv.IsEmpty(i))
            {
                return new RosterProblem(line, null, null,
                    $"the row has {csv.FieldCount} values, the header {csv.Headers.Count}: a ';' or a quote too many");
            }
        }

        return null;
    }

    private static string Field(CsvReader csv, int i) => csv.GetString(i).Trim();

    /// <summary>An empty line or one of separators only (";;"), as a spreadsheet saves an empty row: no row at all.</summary>
    private static bool IsBlank(CsvReader csv)
    {
        for (var i = 0; i < csv.FieldCount; i++)
        {
            if (!csv.IsEmpty(i))
            {
                return false;
            }
        }

        return true;
    }
}
