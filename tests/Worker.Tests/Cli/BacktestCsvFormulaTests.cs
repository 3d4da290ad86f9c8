using System.Text;
using Skolnarvaro.Insights.Backtesting;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests.Cli;

/// <summary>The back-test's CSV writes school names through the spreadsheet writer (its own tests: Csv.Tests).</summary>
public sealed class BacktestCsvFormulaTests
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
