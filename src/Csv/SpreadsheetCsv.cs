using System.Globalization;
using CsvHelper;

namespace Skolnarvaro.Csv;

/// <summary>
/// The one way the product writes CSV: for Swedish spreadsheets (<c>;</c>, decimal comma, UTF-8 with BOM), on CsvHelper.
/// A text cell that a spreadsheet would run as a formula (starting with <c>= + - @</c>, tab or CR) gets a leading
/// <c>'</c> and is quoted: school names come from the registry and names from exports, and neither may run in Excel.
/// Numbers are written as numbers (<see cref="Number(long)"/>), so a negative figure stays a figure.
/// <code>
/// using var csv = SpreadsheetCsv.Create(path);
/// csv.Header("skola", "elever");
/// csv.Text(school.Name).Number(pupils).EndRow();
/// </code>
/// </summary>
public sealed class SpreadsheetCsv : IDisposable
{
    /// <summary>Numbers as Swedish spreadsheets read them: decimal comma.</summary>
    public static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");

    private readonly CsvWriter writer;

    private SpreadsheetCsv(CsvWriter writer) => this.writer = writer;

    /// <summary>Options of every CSV the product writes.</summary>
    /// <param name="newLine">CRLF, as RFC 4180 and Excel expect; "\n" only where an existing output already used it.</param>
    public static CsvWriterOptions Options(string newLine = "\r\n") => new()
    {
        Separator = ';',
        NewLine = newLine,
        WriteByteOrderMark = true,
        Injection = CsvInjection.Escape,
        FormatProvider = Sv,
    };

    /// <summary>Creates (or overwrites) the file, creating its folder.</summary>
    public static SpreadsheetCsv Create(string path, string newLine = "\r\n")
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        return new SpreadsheetCsv(CsvWriter.ToFile(path, Options(newLine)));
    }

    /// <summary>Writes to a stream (left open), for a response or a test.</summary>
    public static SpreadsheetCsv Create(Stream stream, string newLine = "\r\n") => new(CsvWriter.Create(stream, Options(newLine), leaveOpen: true));

    /// <summary>The header row: names are text like any other.</summary>
    public void Header(params string[] names)
    {
        foreach (var name in names)
        {
            Text(name);
        }

        EndRow();
    }

    /// <summary>A text cell; null is empty. Neutralised when it starts like a formula.</summary>
    public SpreadsheetCsv Text(string? value)
    {
        writer.WriteField(value ?? "");
        return this;
    }

    /// <summary>Several text cells.</summary>
    public SpreadsheetCsv Texts(params string?[] values)
    {
        foreach (var value in values)
        {
            Text(value);
        }

        return this;
    }

    /// <summary>A whole number. Numbers are never treated as formulas, so a negative one stays a number.</summary>
    public SpreadsheetCsv Number(long value)
    {
        writer.WriteField(value, default);
        return this;
    }

    /// <summary>A number with a .NET format ("0.0"), with a decimal comma; null is an empty cell.</summary>
    public SpreadsheetCsv Number(double? value, string format)
    {
        if (value is { } v)
        {
            writer.WriteField(v, format);
        }
        else
        {
            writer.WriteField("");
        }

        return this;
    }

    public void EndRow() => writer.EndRecord();

    public void Dispose() => writer.Dispose();
}
