using System.Text;
using Skolnarvaro.Insights.Backtesting;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Csv;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Commands;

namespace Skolnarvaro.Worker.Tests.Csv;

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
    public void School_names_that_start_like_a_formula_reach_the_backtest_csv_as_text()
    {
        using var temp = TestFiles.CreateTempDirectory("csv");
        var path = temp.File("backtest.csv");
        var rows = FormulaNames.Select((name, i) => new BacktestRow($"1111111{i}", name, "Municipal", Level.High, 60, 12, 1, 2, 1, 0, 1, [3, -1], 1, 2))
            .ToList();

        BacktestCsv.Write(path, new BacktestResult(new DateOnly(2026, 8, 17), new DateOnly(2026, 11, 6), 12, rows, [], []));

        var cells = Cells(File.ReadAllText(path, Encoding.UTF8));
        cells.Skip(1).Select(r => r[1]).Should().Equal(FormulaNames.Select(n => "'" + n));
        cells.Skip(1).SelectMany(r => r).Should().NotContain(c => c.Length > 0 && "=+-@\t\r".Contains(c[0]),
            "no cell a spreadsheet opens may start a formula");
        cells[1][^8..].Should().Equal(["3", "1", "1", "0", "1", "2", "0,08", "0,17"], "numbers are written as numbers, with a decimal comma");
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

    /// <summary>A minimal RFC 4180 reader for ';' files, enough to see the cells as a spreadsheet would.</summary>
    private static List<string[]> Cells(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') { quoted = false; }
                else { cell.Append(c); }
            }
            else if (c == '"') { quoted = true; }
            else if (c == ';') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\n') { row.Add(cell.ToString()); cell.Clear(); rows.Add([.. row]); row.Clear(); }
            else if (c != '\r' || i + 1 >= text.Length || text[i + 1] != '\n') { cell.Append(c); }
        }

        return rows;
    }
}
