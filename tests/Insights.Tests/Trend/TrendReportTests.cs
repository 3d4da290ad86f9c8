using System.Text;
using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Insights.Tests.Trend;

/// <summary>The evaluation's HTML page comes from <c>templates/trend-report.html.sbn</c>: golden file, strict template.</summary>
public sealed class TrendReportTests
{
    private static readonly IReadOnlyList<DateOnly> Days = TestExports.SchoolDays(new DateOnly(2026, 9, 7), 40);

    /// <summary>Four pupils over 40 school days, two of whom begin lasting absence: enough for every table and chart.</summary>
    private static (TrendEvaluationResult, AlertBudgetResult, TrendModelInfo) Evaluation()
    {
        var samples = new List<TrendSample>();
        var scores = new List<float>();
        for (var p = 1; p <= 4; p++)
        {
            for (var d = 0; d < Days.Count; d++)
            {
                var lasting = p <= 2 && d >= 20 + 5 * p;
                var level = p == 1 && d >= 28 ? Level.AtRisk : p == 3 && d is >= 8 and <= 14 ? Level.High : (Level?)null;
                samples.Add(new TrendSample("11111111", [(byte)p, 0], Days[d], new float[TrendFeatures.Count], level, null, null, lasting,
                    p % 2 == 1 ? "F" : "M", p <= 2 ? "Municipal" : "Independent")
                {
                    Day = d, Grade = 3 * p, Lasting = lasting, IllnessLike = p == 3 && d is >= 8 and <= 14,
                });
                scores.Add(p <= 2 ? Math.Min(0.9f, 0.02f * d) : 0.05f);
            }
        }

        string Course(TrendSample s) => s.PupilKey[0] <= 2 ? "Rising" : "Stable";
        var model = new TrendModelInfo(7, DateTimeOffset.UnixEpoch, new DateOnly(2025, 8, 18), new DateOnly(2026, 6, 12),
            new DateOnly(2026, 4, 1), new DateOnly(2026, 6, 12), 3, 6, TrendFeatures.Names, new float[TrendFeatures.Count], 0.81, "{}",
            "0123456789abcdef0123456789abcdef", false, null, "")
        {
            Label = TrendLabel.Lasting, TrendCutOff = 0.3,
        };
        return (TrendEvaluation.Evaluate(samples, scores, Days[0], Days[^1], 4, 0.3, Course),
            AlertBudgetEvaluation.Evaluate(samples, scores, Days[0], Days[^1], 4, 0.3, Course), model);
    }

    [Fact]
    public void The_evaluation_page_matches_the_golden_file()
    {
        var (result, budget, model) = Evaluation();
        var actual = new TrendReportHtml(TestFiles.InRepo("templates")).Render(result, budget, model, "Perioden överlappar träningsperioden.");

        var golden = TestFiles.InRepo("tests", "Insights.Tests", "Trend", "Golden", "trendutvardering.html");
        if (Environment.GetEnvironmentVariable("SKOLNARVARO_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, actual, new UTF8Encoding(false));
            return;
        }

        File.Exists(golden).Should().BeTrue("the golden file is missing; run once with SKOLNARVARO_UPDATE_GOLDEN=1 to create it");
        actual.ReplaceLineEndings("\n").Should().Be(File.ReadAllText(golden, Encoding.UTF8).ReplaceLineEndings("\n"),
            "the rendered page differs from Golden/trendutvardering.html");
    }

    [Fact]
    public void The_page_is_swedish_self_contained_and_names_no_pupil()
    {
        var (result, budget, model) = Evaluation();
        var html = new TrendReportHtml(TestFiles.InRepo("templates")).Render(result, budget, model, null);

        html.Should().Contain("<html lang=\"sv\">").And.Contain("Rektorns fråga").And.Contain("95 %-intervall").And.Contain("Parvis försprång");
        html.Should().NotContain("<script").And.NotContain("src=\"http").And.NotContain("href=\"http");
        html.Should().NotContain("class=\"note\"", "no caveat was given");
    }

    [Theory]
    [InlineData("<h2>Rektorns fråga", "<h2>{{ if }}Rektorns fråga", "syntax error")]
    [InlineData("budget.lasting_pupils", "budget.lasting_pupil", "a misspelt figure")]
    [InlineData("gap.within_noise", "gap.within_nois", "a misspelt name in a loop")]
    public void A_broken_template_stops_the_command_with_its_file_and_line(string find, string replace, string what)
    {
        using var temp = TestFiles.CreateTempDirectory("trend-template");
        var path = Path.Combine(temp.Path, TrendReportHtml.TemplateFile);
        var text = File.ReadAllText(TestFiles.InRepo("templates", TrendReportHtml.TemplateFile));
        text.Should().Contain(find);
        var line = text[..text.IndexOf(find, StringComparison.Ordinal)].Count(c => c == '\n') + 1;
        File.WriteAllText(path, text.Replace(find, replace, StringComparison.Ordinal));

        var act = () => new TrendReportHtml(temp.Path);

        act.Should().Throw<OptionsValidationException>(what).Which.Message.Should().Contain($"{path}({line},", what);
    }
}
