using System.Globalization;
using Skolnarvaro.Insights.Reporting;
using Skolnarvaro.Templating;
using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Insights.Trend;

/// <summary>One row of the headline: a measure, what ships with the model, thresholds alone, and the difference.</summary>
public sealed record ShippedHeadlineRow(string Measure, string Shipped, string Thresholds, string Difference, string Explanation);

/// <summary>One group's row in the details: pupils, then model / thresholds alone for each way of reaching the rektor.</summary>
public sealed record ShippedDetailRow(string Group, string Pupils, string Flagged, string Named, string Card, string LeadNamed);

public sealed record ShippedDetailTable(string Title, string Explanation, IReadOnlyList<ShippedDetailRow> Rows);

public sealed record ShippedModelPage(string Name, string Trained, IReadOnlyList<ShippedHeadlineRow> Headline, IReadOnlyList<ShippedDetailTable> Details);

public sealed record ShippedPage(
    string Title, string Period, string WarmUp, string SchoolDays, string SchoolWeeks, string Onsets, string Foreseeable, string Sudden,
    string Horizon, string? Caveat, IReadOnlyList<ShippedModelPage> Models, string? Spread);

/// <summary>
/// The evaluation of what ships as one self-contained HTML page (<c>trend-evaluation.html.sbn</c> in the report's template
/// folder), in Swedish for a reader who is not a data scientist: one headline table of the nightly run with the model
/// against thresholds alone, the details below. Checked strictly against a sample page when created, like the term report.
/// </summary>
public sealed class ShippedReportHtml
{
    public const string TemplateFile = "trend-evaluation.html.sbn";

    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");

    private readonly StrictTemplate template;

    public ShippedReportHtml(string templateFolder)
    {
        template = ReportTemplate.Parse(Path.Combine(templateFolder, TemplateFile));
        Render(Sample);
    }

    public string Render(ShippedComparison result, string? caveat) => Render(Page(result, caveat));

    private string Render(ShippedPage page) => ReportTemplate.Render(template, page);

    public static ShippedPage Page(ShippedComparison r, string? caveat)
    {
        var t = r.Thresholds;
        string? spread = null;
        if (r.Models.Count > 1)
        {
            var gains = r.Models.Select(m => 100 * (Foreseeable(m.Shipped).NamedEarly - Foreseeable(t).NamedEarly)).ToList();
            var loads = r.Models.Select(m => Ratio(m.Shipped, t)).ToList();
            spread = $"Över {r.Models.Count} modeller, tränade med olika slumpfrön: förutsebara elever nämnda i ett utskick minst {ShippedEvaluation.EarlyDays} skoldagar " +
                     $"i förväg {Points(gains.Min())} till {Points(gains.Max())} procentenheter jämfört med enbart gränserna; nyheter per skolvecka " +
                     $"{loads.Min().ToString("0.00", Sv)}–{loads.Max().ToString("0.00", Sv)} gånger gränsernas.";
        }

        return new ShippedPage(
            "Utvärdering av trendmodellen: vad rektorerna faktiskt fick veta",
            $"{r.From:yyyy-MM-dd} – {r.To:yyyy-MM-dd}", r.WarmUpWeeks.ToString(Sv), t.SchoolDays.ToString("N0", Sv), t.SchoolWeeks.ToString("N0", Sv),
            r.Onsets.ToString("N0", Sv), r.Foreseeable.ToString("N0", Sv), (r.Onsets - r.Foreseeable).ToString("N0", Sv), (5 * r.HorizonWeeks).ToString(Sv),
            caveat, r.Models.Select(m => ModelPage(m, t, 5 * r.HorizonWeeks)).ToList(), spread);
    }

    private static ShippedModelPage ModelPage(ShippedModelResult m, ShippedResult t, int horizonDays)
    {
        var s = m.Shipped;
        var (fs, ft) = (Foreseeable(s), Foreseeable(t));
        var rising = (s.ByStart[2].Rates, t.ByStart[2].Rates);
        var early = ShippedEvaluation.EarlyDays;
        IReadOnlyList<ShippedHeadlineRow> headline =
        [
            Row($"Förutsebara elever nämnda i ett utskick minst {early} skoldagar innan", fs.NamedEarly, ft.NamedEarly,
                $"Av de {fs.Pupils} elever vars långvariga frånvaro gick att ana (minst 3 % frånvaro före) och som sedan fick långvarig frånvaro."),
            Row($"… av dem som ökade under gränserna", rising.Item1.NamedEarly, rising.Item2.NamedEarly,
                $"{rising.Item1.Pupils} elever vars frånvaro steg men ännu låg under 10 %: här kan modellen se något som gränserna inte ser."),
            Row($"Alla elever nämnda i ett utskick minst {early} skoldagar innan", s.Overall.Rates.NamedEarly, t.Overall.Rates.NamedEarly,
                $"Alla {s.Overall.Rates.Pupils} elever som fick långvarig frånvaro under perioden, även de som blev frånvarande plötsligt."),
            new("Förutsebara: mediantid från första utskicket till frånvarons början", Days(fs.MedianLeadNamed), Days(ft.MedianLeadNamed),
                fs.MedianLeadNamed is { } a && ft.MedianLeadNamed is { } b ? $"{(a - b).ToString("+0.#;−0.#;0", Sv)} skoldagar" : "–",
                "Bland de nämnda; ett negativt tal betyder att utskicket kom efter att frånvaron börjat."),
            new("Nyheter i utskicken per skolvecka (nya eller höjda nivåer)", s.EntriesPerSchoolWeek.ToString("0.0", Sv), t.EntriesPerSchoolWeek.ToString("0.0", Sv),
                $"{Ratio(s, t).ToString("0.00", Sv)} gånger", $"Målet är högst 1,10 gånger. Varav stigande frånvaro: {s.TrendNewsEntries.ToString("N0", Sv)} av {s.NewsEntries.ToString("N0", Sv)}."),
            Row("Träffsäkerhet: nyheter som följdes av långvarig frånvaro", s.Precision, t.Precision,
                $"Andelen av utskickens nyheter där eleven inom {horizonDays} skoldagar hade långvarig frånvaro."),
            Gap("Skillnad flickor − pojkar (förutsebara, nämnda i tid)", s.ByCourse[2].Rates.NamedEarly - s.ByCourse[3].Rates.NamedEarly,
                t.ByCourse[2].Rates.NamedEarly - t.ByCourse[3].Rates.NamedEarly),
            Gap("Skillnad kommunal − fristående (förutsebara, nämnda i tid)", s.ByCourse[4].Rates.NamedEarly - s.ByCourse[5].Rates.NamedEarly,
                t.ByCourse[4].Rates.NamedEarly - t.ByCourse[5].Rates.NamedEarly),
        ];
        IReadOnlyList<ShippedDetailTable> details =
        [
            Table("Förutsebara och plötsliga", "Förutsebar: minst 3 % frånvaro under de 20 skoldagarna före dagen tio skoldagar innan frånvaron började.", [s.Overall, .. s.ByCourse.Take(2)], [t.Overall, .. t.ByCourse.Take(2)]),
            Table("Hur det såg ut tio skoldagar innan", "Frånvaron de 20 skoldagarna före: under 3 %, minst 10 %, ökande under 10 % eller viss frånvaro utan ökning.", s.ByStart, t.ByStart),
            Table("Per kön", "", s.ByGender, t.ByGender),
            Table("Per driftsform", "", s.ByDriftsform, t.ByDriftsform),
            Table("Per årskurs", "", s.ByGradeBand, t.ByGradeBand),
        ];
        return new ShippedModelPage($"Modell v{m.Model.Version} (slumpfrö {m.Model.Seed})", $"{m.Model.TrainedFrom:yyyy-MM-dd} – {m.Model.TrainedTo:yyyy-MM-dd}", headline, details);
    }

    private static ShippedDetailTable Table(string title, string explanation, IEnumerable<ShippedGroup> shipped, IEnumerable<ShippedGroup> alone) =>
        new(title, explanation, shipped.Zip(alone).Select(p => new ShippedDetailRow(p.First.Group, p.First.Rates.Pupils.ToString("N0", Sv),
            Pair(p.First.Rates.FlaggedEarly, p.Second.Rates.FlaggedEarly), Pair(p.First.Rates.NamedEarly, p.Second.Rates.NamedEarly),
            Pair(p.First.Rates.CardEarly, p.Second.Rates.CardEarly), $"{Days(p.First.Rates.MedianLeadNamed)} / {Days(p.Second.Rates.MedianLeadNamed)}")).ToList());

    private static ShippedRates Foreseeable(ShippedResult r) => r.ByCourse[0].Rates;

    private static double Ratio(ShippedResult s, ShippedResult t) => t.NewsEntries == 0 ? 0 : (double)s.NewsEntries / t.NewsEntries;

    private static ShippedHeadlineRow Row(string measure, double shipped, double alone, string explanation) =>
        new(measure, Percent(shipped), Percent(alone), $"{Points(100 * (shipped - alone))} procentenheter", explanation);

    private static ShippedHeadlineRow Gap(string measure, double shipped, double alone) =>
        new(measure, $"{Points(100 * shipped)} procentenheter", $"{Points(100 * alone)} procentenheter", "–",
            "Målet är högst 5 procentenheter åt något håll. Med några tiotal elever per grupp är skillnader på flera procentenheter ofta slump.");

    private static string Pair(double a, double b) => $"{Percent(a)} / {Percent(b)}";

    private static string Percent(double v) => (100 * v).ToString("0.0", Sv) + " %";

    private static string Points(double v) => v.ToString("+0.0;−0.0;0.0", Sv);

    private static string Days(double? v) => v?.ToString("0.#", Sv) ?? "–";

    /// <summary>Every list with an entry and every optional part present, so the start-up render reaches every name the template uses.</summary>
    private static ShippedPage Sample
    {
        get
        {
            var row = new ShippedHeadlineRow("Mått", "50,0 %", "40,0 %", "+10,0", "Förklaring");
            var detail = new ShippedDetailTable("Titel", "Förklaring", [new ShippedDetailRow("Alla", "10", "1 / 2", "1 / 2", "1 / 2", "5 / 4")]);
            return new ShippedPage("Titel", "2026-08-17 – 2026-11-20", "4", "60", "72", "10", "6", "4", "30", "Förbehåll",
                [new ShippedModelPage("Modell v1 (slumpfrö 1)", "2025-08-18 – 2026-06-12", [row], [detail])], "Spridning");
        }
    }
}
