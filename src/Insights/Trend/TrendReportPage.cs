using System.Globalization;
using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Insights.Trend;

/// <summary>
/// What <c>trend-report.html.sbn</c> lays out: the evaluation's figures as Swedish text (numbers formatted here, once,
/// so analysts edit words and layout, not number formats) and the charts' geometry. No pupil: only counts and shares.
/// </summary>
public sealed record TrendReportPage(
    string Title, string Model, string Trained, string Seed, string Label, string Sha, string Caveat,
    BudgetSectionPage Budget, ComparisonSectionPage Comparison);

public sealed record BudgetSectionPage(
    string From, string To, string SchoolDays, string Samples, string SchoolWeeks, string HorizonWeeks, string LastingPupils,
    string ModelNames, string ModelThreshold, string Keep, string TrendCutOff, string NightlyAdded, string NightlyAddedWeekly, string ModelAuc, string RuleAuc, string EarlyDays,
    IReadOnlyList<BudgetRowPage> Rows, IReadOnlyList<GapPage> Gaps, string RuleEntries, string RuleEntriesWithoutLasting,
    string RuleEntriesIllnessOnly, IReadOnlyList<CalibrationPage> Calibration, BarChartPage Chart);

public sealed record BudgetRowPage(
    string Group, bool IsTotal, string LastingPupils, string EntriesRule, string EntriesModel, string EntriesNightly,
    string RecallRule, string RecallModel, string RecallNightly, string IntervalRule, string IntervalModel,
    string LeadRule, string LeadModel, string LeadNightly, string EarlyRule, string EarlyModel, string PairedLead,
    string PrecisionRule, string PrecisionModel, string PrecisionNightly);

/// <summary>A recall gap between two groups with its 95 % interval, and whether it can be told from noise.</summary>
public sealed record GapPage(string Groups, string Way, string Difference, string Interval, bool WithinNoise);

public sealed record CalibrationPage(string Bin, string Samples, string Predicted, string Observed);

public sealed record ComparisonSectionPage(
    string ScoringDates, string Pupils, string Samples, string HorizonWeeks, string Positives, string PositiveShare, string Crossers,
    string RuleFlags, string ScoreAtRuleFlagRate, string CutOff, string AucNotAtLevel, string NotAtLevelSamples,
    string NotAtLevelPositives, string TrendFlags, string TrendPrecision, string TrendRecall,
    IReadOnlyList<ComparisonTablePage> Tables, RocPage Roc);

/// <summary>One grouping (all, gender, driftsform, trajectory): its rows, and its bars (null: no chart).</summary>
public sealed record ComparisonTablePage(string Heading, string FirstColumn, IReadOnlyList<ComparisonRowPage> Rows, BarChartPage? Chart);

public sealed record ComparisonRowPage(
    string Group, string Samples, string Positives, string AucModel, string AucRule, string RecallModel, string RecallRule,
    string PrecisionModel, string PrecisionRule, string Crossers, string CaughtModel, string CaughtRule, string CaughtNightly,
    string LeadModel, string LeadRule, string LeadNightly, string EarlyModel, string EarlyRule, string EarlyNightly);

/// <summary>Horizontal bars, one row per group and way of naming, in SVG units.</summary>
public sealed record BarChartPage(string Title, int Width, int Height, int Left, IReadOnlyList<BarPage> Bars);

public sealed record BarPage(string Label, string Colour, int Y, int Width, string Value);

/// <summary>The ROC curve as an SVG polyline and the rule's single point, in SVG units.</summary>
public sealed record RocPage(int Size, int Pad, string Points, string RuleX, string RuleY);

public static class TrendReportPages
{
    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const string RuleColour = "#c05621", ModelColour = "#2b6cb0", NightlyColour = "#718096";

    public static TrendReportPage Of(TrendEvaluationResult r, AlertBudgetResult b, TrendModelInfo model, string? caveat) => new(
        $"Trendmodell v{model.Version}: utvärdering {r.From:yyyy-MM-dd} – {r.To:yyyy-MM-dd}",
        model.Version.ToString(Inv), $"{model.TrainedFrom:yyyy-MM-dd} – {model.TrainedTo:yyyy-MM-dd}", model.Seed.ToString(Inv),
        model.Label switch { TrendLabel.Lasting => "långvarig frånvaro", TrendLabel.Onset => "långvarig frånvaro börjar", _ => "når hög frånvaro" }, model.ModelSha256.Length >= 12 ? model.ModelSha256[..12] : model.ModelSha256,
        caveat ?? "", Budget(b), Comparison(r));

    private static BudgetSectionPage Budget(AlertBudgetResult b)
    {
        var groups = new[] { b.Overall }.Concat(b.ByGender).Concat(b.ByDriftsform).Concat(b.ByGradeBand).Concat(b.ByTrajectory).ToList();
        var rows = groups.Select(g => new BudgetRowPage(
            Swedish(g.Group), ReferenceEquals(g, b.Overall), N(g.LastingPupils),
            D(g.Rule.EntriesPerSchoolWeek), D(g.Model.EntriesPerSchoolWeek), D(g.Nightly.EntriesPerSchoolWeek),
            P(g.Rule.Recall), P(g.Model.Recall), P(g.Nightly.Recall), Interval(g.Rule), Interval(g.Model),
            W(g.Rule.MedianLeadDays), W(g.Model.MedianLeadDays), W(g.Nightly.MedianLeadDays), P(g.Rule.RecallEarly), P(g.Model.RecallEarly),
            g.ModelVsRule.MedianDifference is { } d ? $"{Signed(d)} ({N(g.ModelVsRule.Pupils)} elever)" : "–",
            P(g.Rule.Precision), P(g.Model.Precision), P(g.Nightly.Precision))).ToList();
        var gaps = new List<GapPage>();
        foreach (var pair in new[] { b.ByGender, b.ByDriftsform }.Where(p => p.Count == 2))
        {
            foreach (var (way, pick) in new (string, Func<BudgetGroup, BudgetMetrics>)[] { ("regel", g => g.Rule), ("modell", g => g.Model) })
            {
                var gap = RecallGap.Between(pair[0], pair[1], pick);
                gaps.Add(new GapPage($"{pair[0].Group} − {pair[1].Group}", way, Points(gap.Difference),
                    $"{Points(gap.Low)} till {Points(gap.High)}", gap.WithinNoise));
            }
        }

        return new BudgetSectionPage(
            $"{b.From:yyyy-MM-dd}", $"{b.To:yyyy-MM-dd}", N(b.SchoolDays), N(b.Samples), N(b.SchoolWeeks), N(b.HorizonWeeks),
            N(b.Overall.LastingPupils),
            b.ModelNames switch
            {
                ModelNames.NotHigh => $"elever som inte redan har hög frånvaro (dem nämner regeln redan; en flagga står kvar högst {AlertBudgetEvaluation.HighSpellKept} skoldagar i följd med hög frånvaro)",
                ModelNames.RaisedNotHigh => "elever som inte redan har hög frånvaro, och flaggan står kvar om eleven sedan når dit",
                _ => "alla elever",
            },
            b.ModelThreshold.ToString("0.000", Sv), P(b.Keep), P(b.TrendCutOff), P(b.NightlyAddedShare), P(b.NightlyAddedShareWeekly),
            A(b.ModelAuc), A(b.RuleAuc), N(AlertBudgetEvaluation.EarlyDays), rows, gaps, N(b.Overall.Rule.Entries),
            N(b.RuleEntriesWithoutLasting), N(b.RuleEntriesIllnessOnly),
            b.Calibration.Select(c => new CalibrationPage($"{c.From.ToString("0.00", Sv)}–{c.To.ToString("0.00", Sv)}", N(c.Samples),
                c.MeanPredicted.ToString("0.00", Sv), c.Observed.ToString("0.00", Sv))).ToList(),
            Bars("Nämnda innan den långvariga frånvaron började", groups.Select(g => (Swedish(g.Group),
                new[] { ("regel", g.Rule.Recall, RuleColour), ("modell", g.Model.Recall, ModelColour), ("natt", g.Nightly.Recall, NightlyColour) }))));
    }

    private static ComparisonSectionPage Comparison(TrendEvaluationResult r)
    {
        var o = r.Overall;
        ComparisonTablePage Table(string heading, string first, IReadOnlyList<GroupMetrics> groups, string? chart) => new(heading, first,
            groups.Select(g => new ComparisonRowPage(
                Swedish(g.Group), N(g.Samples), N(g.Positives), A(g.ModelAuc), A(g.RuleAuc), P(g.Model.Recall), P(g.Rule.Recall),
                P(g.Model.Precision), P(g.Rule.Precision), N(g.Crossers), N(g.Model.Caught), N(g.Rule.Caught), N(g.Nightly.Caught),
                W(g.Model.MedianLeadWeeks), W(g.Rule.MedianLeadWeeks), W(g.Nightly.MedianLeadWeeks),
                N(g.Model.CaughtTwoWeeksAhead), N(g.Rule.CaughtTwoWeeksAhead), N(g.Nightly.CaughtTwoWeeksAhead))).ToList(),
            chart is null ? null
                : Bars(chart, groups.Select(g => (g.Group, new[] { ("modell", g.Model.Recall, ModelColour), ("regel", g.Rule.Recall, RuleColour) }))));
        var tables = new List<ComparisonTablePage>
        {
            Table("", "Grupp", [o], null),
            Table("Per kön", "Kön", r.ByGender, "Täckning per kön"),
            Table("Per driftsform", "Driftsform", r.ByDriftsform, "Täckning per driftsform"),
        };
        if (r.ByTrajectory.Count > 0)
        {
            tables.Add(Table("Per förlopp (syntetiska data: generatorns facit)", "Förlopp", r.ByTrajectory, null));
        }

        return new ComparisonSectionPage(
            N(r.ScoringDates), N(r.Pupils), N(o.Samples), N(r.HorizonWeeks), N(o.Positives), P(o.Samples == 0 ? 0 : (double)o.Positives / o.Samples),
            N(o.Crossers), N(o.Rule.Flags), r.ScoreAtRuleFlagRate.ToString("0.000", Sv), P(r.CutOff), A(r.ModelAucNotAtLevel),
            N(r.NotAtLevelSamples), N(r.NotAtLevelPositives), N(r.TrendAtCutOff.Flags), P(r.TrendAtCutOff.Precision), P(r.TrendAtCutOff.Recall),
            tables, Roc(r));
    }

    private static BarChartPage Bars(string title, IEnumerable<(string Group, (string Label, double Value, string Colour)[] Bars)> rows)
    {
        const int barWidth = 300, rowHeight = 24, left = 170;
        var bars = new List<BarPage>();
        var y = 26;
        foreach (var (group, values) in rows)
        {
            foreach (var (label, value, colour) in values)
            {
                bars.Add(new BarPage($"{group} – {label}", colour, y, (int)Math.Round(barWidth * value), P(value)));
                y += rowHeight;
            }
        }

        return new BarChartPage(title, left + barWidth + 90, y + 14, left, bars);
    }

    private static RocPage Roc(TrendEvaluationResult r)
    {
        const int size = 260, pad = 30;
        var points = string.Join(' ', r.Roc.Select(p =>
            string.Create(Inv, $"{pad + p.FalsePositiveRate * size:0.0},{pad + size - p.TruePositiveRate * size:0.0}")));
        var o = r.Overall;
        var ruleFpr = o.Samples - o.Positives == 0 ? 0 : (o.Rule.Flags - o.Rule.Precision * o.Rule.Flags) / (o.Samples - o.Positives);
        return new RocPage(size, pad, points, (pad + ruleFpr * size).ToString("0.0", Inv), (pad + size - o.Rule.Recall * size).ToString("0.0", Inv));
    }

    /// <summary>The generator's answer key names its courses in English; the page is Swedish.</summary>
    private static string Swedish(string group) => group switch
    {
        "Stable" => "Stabil",
        "Chronic" => "Kronisk",
        "Rising" => "Stigande",
        "Jump" => "Hastig ökning",
        _ => group,
    };

    private static string N(int n) => n.ToString("N0", Sv);

    private static string D(double v) => v.ToString("0.0", Sv);

    private static string P(double share) => (share * 100).ToString("0.0", Sv) + " %";

    private static string Interval(BudgetMetrics m) => $"{(m.RecallLow * 100).ToString("0", Sv)}–{(m.RecallHigh * 100).ToString("0", Sv)} %";

    private static string Points(double share) => (share * 100).ToString("+0.0;−0.0;0.0", Sv);

    private static string Signed(double days) => days.ToString("+0.#;−0.#;0", Sv);

    private static string A(double? auc) => auc is { } a ? a.ToString("0.000", Sv) : "–";

    private static string W(double? v) => v is { } w ? w.ToString("0.0", Sv) : "–";
}
