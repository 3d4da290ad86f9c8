using System.Text;
using Skolnarvaro.Insights.Backtesting;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Insights.Tests.Backtesting;

/// <summary>The back-test's CSV, from a result made by hand (the back-test itself: BacktestTests).</summary>
public sealed class BacktestCsvTests
{
    private static readonly DateOnly From = new(2026, 8, 17);
    private static readonly DateOnly To = new(2026, 11, 6);

    [Fact]
    public async Task The_csv_has_a_row_per_school_and_level_and_the_municipality_in_Swedish_spreadsheet_form()
    {
        BacktestRow Row(string code, string school, string driftsform, Level level, int current, int candidate, int[] earlier) =>
            new(code, school, driftsform, level, 60, 12, current, candidate, Math.Min(current, candidate), Math.Max(0, current - candidate),
                Math.Max(0, candidate - current), earlier, current + 1, candidate + 1);
        var schools = new[]
        {
            Row("11111111", "Skola 11111111", "Municipal", Level.AtRisk, 20, 14, [2, 3, 0]),
            Row("11111111", "Skola 11111111", "Municipal", Level.High, 9, 6, [-1]),
            Row("22222222", "Skola 22222222", "Independent", Level.AtRisk, 8, 5, []),
            Row("22222222", "Skola 22222222", "Independent", Level.High, 4, 3, [0]),
        };
        var totals = new[]
        {
            Row("", "Alla skolor", "", Level.AtRisk, 28, 19, [2, 3, 0]),
            Row("", "Alla skolor", "", Level.High, 13, 9, [-1, 0]),
        };
        using var temp = TestFiles.CreateTempDirectory("backtest");
        var path = temp.File("out", "backtest.csv");

        BacktestCsv.Write(path, new BacktestResult(From, To, 12, schools, totals, []));

        var bytes = await File.ReadAllBytesAsync(path);
        bytes.Take(3).Should().Equal([0xEF, 0xBB, 0xBF], "Excel recognises UTF-8 by its BOM");
        var lines = (await File.ReadAllLinesAsync(path, Encoding.UTF8)).ToList();
        lines[0].Should().StartWith("skolenhetskod;school;driftsform;level;from;to;school_days;weeks;pupils_current;pupils_candidate");
        lines.Should().HaveCount(1 + 2 * 2 + 2);
        lines.Should().Contain(l => l.StartsWith("22222222;Skola 22222222;Independent;High;2026-08-17;2026-11-06;60;12;", StringComparison.Ordinal));
        lines[^1].Should().StartWith(";Alla skolor;;High;");
        lines[^1].Split(';')[^1].Should().MatchRegex(@"^\d+,\d\d$", "decimals use a comma");
    }
}
