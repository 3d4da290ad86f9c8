using System.Text;
using Skolnarvaro.Csv;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Csv.Tests;

/// <summary>
/// The one CSV writer of the product: formula-leading text is neutralised, everything else is
/// written byte for byte as the hand-written CSVs before it were.
/// </summary>
public sealed class SpreadsheetCsvTests
{
    // The four crafted school names of the finding, and the other characters OWASP lists.
    private static readonly string[] FormulaNames =
        ["=HYPERLINK(\"http://x.example\";\"Klicka\")", "+46 Skolan", "-1+1", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"];

    [Fact]
    public void Text_that_starts_like_a_formula_is_written_as_text()
    {
        var text = Write(csv => csv.Texts(FormulaNames).EndRow());

        // Each such cell is quoted, with an apostrophe ahead of what a spreadsheet would have run.
        text.Should().Be(string.Join(';', FormulaNames.Select(n => $"\"'{n.Replace("\"", "\"\"", StringComparison.Ordinal)}\"")) + "\r\n");
    }

    [Fact]
    public void A_negative_number_is_not_mistaken_for_a_formula()
    {
        var text = Write(csv => csv.Number(-5).Number(-0.25, "0.00").Text("-5").EndRow());

        text.Should().Be($"{(-5).ToString(SpreadsheetCsv.Sv)};{(-0.25).ToString("0.00", SpreadsheetCsv.Sv)};\"'-5\"\r\n");
    }

    [Fact]
    public void Text_without_a_formula_is_written_as_the_hand_written_csvs_wrote_it()
    {
        string[] values = ["Björkskolan", "", "Skola; med semikolon", "\"Citat\"", "rad1\nrad2", "rad1\r\nrad2", " mellanslag ", "2026-11-20", "42", "ja"];

        var text = Write(csv => csv.Texts(values).EndRow());

        // The formatting of TermReportCsv and BacktestCommand before this writer.
        static string Quote(string value) =>
            value.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
        text.Should().Be(string.Join(';', values.Select(Quote)) + "\r\n");
    }

    [Fact]
    public void The_file_starts_with_a_utf8_byte_order_mark_for_Excel()
    {
        using var temp = TestFiles.CreateTempDirectory("csv");
        var path = temp.File("a.csv");
        using (var csv = SpreadsheetCsv.Create(path))
        {
            csv.Header("skola");
        }

        File.ReadAllBytes(path).Should().Equal([0xEF, 0xBB, 0xBF, .. "skola\r\n"u8.ToArray()]);
    }

    private static string Write(Action<SpreadsheetCsv> write)
    {
        using var stream = new MemoryStream();
        using (var csv = SpreadsheetCsv.Create(stream))
        {
            write(csv);
        }

        var bytes = stream.ToArray();
        bytes.Take(3).Should().Equal([0xEF, 0xBB, 0xBF]);
        return Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
    }
}
