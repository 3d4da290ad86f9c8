using System.Globalization;
using Spectre.Console;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;

namespace Skolnarvaro.Worker.Commands;

/// <summary>The evaluation of what ships on the command line: the headline per model against thresholds alone, then the groups.</summary>
internal static class ShippedPrint
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The evaluation, then where its page and figures were written.</summary>
    public static void Print(EvaluationOutcome outcome)
    {
        Print(outcome.Result);
        AnsiConsole.MarkupLine($"Page: {Markup.Escape(outcome.HtmlFile)}");
        AnsiConsole.MarkupLine($"JSON: {Markup.Escape(outcome.JsonFile)}");
    }

    public static void Print(ShippedComparison r)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 220);
        }

        var t = r.Thresholds;
        AnsiConsole.MarkupLine($"The nightly run replayed {r.From:yyyy-MM-dd} – {r.To:yyyy-MM-dd} (after a {r.WarmUpWeeks}-week warm-up): {t.SchoolDays} school days, " +
                               $"{t.SchoolWeeks} school-weeks; {r.Onsets} pupils began lasting absence ({r.Foreseeable} foreseeable, {r.Onsets - r.Foreseeable} sudden); " +
                               $"took {r.Took.TotalSeconds.ToString("0", Inv)} s");
        foreach (var m in r.Models)
        {
            var s = m.Shipped;
            AnsiConsole.MarkupLine($"[bold]Model v{m.Model.Version}[/] (seed {m.Model.Seed}, trained {m.Model.TrainedFrom:yyyy-MM-dd} – {m.Model.TrainedTo:yyyy-MM-dd}) " +
                                   $"vs thresholds alone: entries per school-week {s.EntriesPerSchoolWeek.ToString("0.00", Inv)} / {t.EntriesPerSchoolWeek.ToString("0.00", Inv)} " +
                                   $"(× {(t.NewsEntries == 0 ? 0 : (double)s.NewsEntries / t.NewsEntries).ToString("0.000", Inv)}; {s.TrendNewsEntries} Trend); " +
                                   $"precision {P(s.Precision)} / {P(t.Precision)}; digests {s.Digests} / {t.Digests}");
            var table = new Table().Border(TableBorder.Rounded).AddColumns("Group", "Pupils", "Flagged ≥ 10 d early", "Named in a digest ≥ 10 d early",
                "On a card ≥ 10 d early", "Median lead flagged", "Median lead named", "Median lead card");
            foreach (var (shipped, alone) in Groups(s).Zip(Groups(t)))
            {
                var (a, b) = (shipped.Rates, alone.Rates);
                table.AddRow(Markup.Escape(shipped.Group), a.Pupils.ToString(Inv), Pair(a.FlaggedEarly, b.FlaggedEarly), Pair(a.NamedEarly, b.NamedEarly),
                    Pair(a.CardEarly, b.CardEarly), $"{W(a.MedianLeadFlagged)} / {W(b.MedianLeadFlagged)}", $"{W(a.MedianLeadNamed)} / {W(b.MedianLeadNamed)}",
                    $"{W(a.MedianLeadCard)} / {W(b.MedianLeadCard)}");
            }

            AnsiConsole.Write(table);
        }

        if (r.Models.Count > 1)
        {
            string Range(Func<ShippedModelResult, double> f, string format) =>
                $"{r.Models.Min(f).ToString(format, Inv)} – {r.Models.Max(f).ToString(format, Inv)}";
            var fs = (Func<ShippedResult, ShippedRates>)(x => x.ByCourse[0].Rates);
            AnsiConsole.MarkupLine($"Spread over {r.Models.Count} models: foreseeable named in a digest ≥ 10 d early, model − thresholds (points) " +
                                   $"{Range(m => 100 * (fs(m.Shipped).NamedEarly - fs(t).NamedEarly), "+0.0;-0.0;0.0")}; entries ÷ thresholds " +
                                   $"{Range(m => t.NewsEntries == 0 ? 0 : (double)m.Shipped.NewsEntries / t.NewsEntries, "0.000")}");
        }
    }

    private static IEnumerable<ShippedGroup> Groups(ShippedResult s) =>
        new[] { s.Overall }.Concat(s.ByCourse).Concat(s.ByStart).Concat(s.ByGender).Concat(s.ByDriftsform).Concat(s.ByGradeBand);

    private static string Pair(double a, double b) => $"{P(a)} / {P(b)} ({(100 * (a - b)).ToString("+0.0;-0.0;0.0", Inv)})";

    private static string P(double v) => v.ToString("P1", Inv);

    private static string W(double? v) => v?.ToString("0.0", Inv) ?? "-";
}
