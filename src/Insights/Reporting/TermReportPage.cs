using System.Globalization;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Insights.Reporting;

/// <summary>
/// What <c>templates/term-report.html.sbn</c> sees (as snake_case: <c>term_name</c>, <c>summary.pupils</c>…): the report's
/// figures already written the Swedish way (decimal comma, "20 november 2026", – for a hidden figure), so the template only
/// lays them out. Charts come as bars whose segments are fractions of the axis maximum; the template turns them into
/// coordinates. Which figures make a table or a bar, and how they are suppressed, stays here, beside the CSV.
/// </summary>
internal sealed record TermReportPage(
    string TermName, string From, string To, string Created, int MinGroupSize,
    PageSummary Summary,
    BarChart WeekChart, BarChart SchoolChart, BarChart LevelChart, BarChart? DevelopmentChart,
    PageTable Attendance, PageTable Levels, PageTable Alerts,
    int FirstDevelopmentWeeks, IReadOnlyList<DevelopmentPart> Development,
    InvestigationPart Investigations,
    IReadOnlyList<DataQualityLine> DataQuality)
{
    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");

    /// <summary>Lines under the week chart: what is left out of it (summary exports), what "lov" and "*" mean.</summary>
    public IReadOnlyList<string> WeekNotes { get; init; } = [];

    /// <summary>The hand-off to the skolnärvaroteam; null leaves its section out (the start-up sample without it).</summary>
    public SupportPart? Support { get; init; }

    public static TermReportPage Of(TermReport report, DateOnly created) =>
        Build(report, created) with { WeekNotes = WeekNotesOf(report), Support = SupportPart.Of(report, Table) };

    private static List<string> WeekNotesOf(TermReport report)
    {
        var notes = new List<string>();
        var summaryPupils = report.Weeks.Select(w => w.SummaryPupils).DefaultIfEmpty(0).Max();
        if (summaryPupils > 0)
        {
            notes.Add($"Skolor som skickar summerade exporter ({Count(summaryPupils)} {(summaryPupils == 1 ? "elev" : "elever")}) ingår inte i veckorna: en summa för en period visar " +
                      "inte vilken vecka frånvaron gällde. De ingår i terminens tabeller nedan.");
        }

        if (report.Weeks.Any(w => w.Lov))
        {
            notes.Add("lov: ingen skola hade skoldag den veckan.");
        }

        var usual = UsualPupils(report);
        if (report.Weeks.Any(w => !w.Lov && w.Pupils < SmallerBase * usual))
        {
            notes.Add($"*: färre elever i underlaget än terminens vanliga {Count(usual)}, till exempel för att en skolas export saknas (se datakvaliteten).");
        }

        return notes;
    }

    private static TermReportPage Build(TermReport report, DateOnly created)
    {
        var municipality = report.Groups.Single(g => g.Kind == GroupKind.Municipality);
        var followed = report[municipality, GenderColumn.All, Measures.DevPupils(Measures.DevelopmentWeeks[0])].Value is > 0;
        return new TermReportPage(
            SwedishTermName(report.Term),
            Date(report.Weeks.Count > 0 ? report.Weeks[0].FirstDay : report.From), Date(report.To), Date(created), report.MinGroupSize,
            SummaryOf(report),
            WeekChartOf(report), SchoolChartOf(report), LevelChartOf(report), followed ? DevelopmentChartOf(report) : null,
            Table(report, [Measures.Pupils, Measures.Attendance, Measures.Excused, Measures.Unexcused]),
            Table(report, [Measures.AtRisk, Measures.AtRiskShare, Measures.High, Measures.HighShare, Measures.Trend]),
            Table(report, [Measures.NewlyFlagged, Measures.Reported]),
            Measures.DevelopmentWeeks[0],
            [.. Measures.DevelopmentWeeks.Select(w => new DevelopmentPart(w, w * 5, TermReportBuilder.MinimumDays(w),
                Table(report, [Measures.DevPupils(w), Measures.DevBefore(w), Measures.DevAfter(w), Measures.DevLower(w)])))],
            InvestigationsOf(report),
            [.. DataQualityRows.Of(report).Select(DataQualityLine.Of)]);
    }

    private static PageSummary SummaryOf(TermReport report)
    {
        var m = report.Groups.Single(g => g.Kind == GroupKind.Municipality);
        string V(string measure) => Format(report[m, GenderColumn.All, measure], report.Measures.Single(x => x.Key == measure).Unit);
        return new PageSummary(V(Measures.Pupils), V(Measures.Attendance), V(Measures.Excused), V(Measures.Unexcused), V(Measures.AtRisk),
            V(Measures.High), V(Measures.NewlyFlagged), Count(report.Schools.Sum(s => s.DigestsSent)));
    }

    /// <summary>Groups as rows (municipality, driftsform, schools, grades), each measure as girls | boys | all.</summary>
    internal static PageTable Table(TermReport report, string[] keys)
    {
        var measures = keys.Select(k => report.Measures.Single(m => m.Key == k)).ToList();
        var rows = report.Groups.Select((group, g) => new TableRow(
            group.Kind.ToString().ToLowerInvariant(),
            group.Kind != GroupKind.Municipality && (g == 0 || report.Groups[g - 1].Kind != group.Kind),
            group.Name,
            group.Kind == GroupKind.School && group.Driftsform == "Independent",
            [.. measures.Select(m => (IReadOnlyList<TableCell>)[.. Enum.GetValues<GenderColumn>().Select(gender => TableCell.Of(report[g, gender, m.Key], m.Unit))])]))
            .ToList();
        var cells = report.Groups.SelectMany((_, g) => measures.SelectMany(m => Enum.GetValues<GenderColumn>().Select(gender => report[g, gender, m.Key])));
        return new PageTable(
            [.. measures.Select(m => new TableMeasure(m.Label, m.Unit == MeasureUnit.Count && m.Key != Measures.Pupils))],
            rows,
            rows.Any(r => r.Cells.Any(c => c.Any(x => x.Suppressed))))
        {
            // A table of nothing but zeros says so once; a hidden cell may hide a small number, so it is not "nothing".
            AllZero = cells.All(c => !c.Suppressed && c.Value is null or 0),
        };
    }

    /// <summary>
    /// The weeks from the schools' day and lesson exports: a lov week (no school day anywhere) is labelled "lov", and a week
    /// whose pupil base is clearly smaller than the term's usual (a school's export missing) is marked with *.
    /// </summary>
    private static BarChart WeekChartOf(TermReport report)
    {
        var usual = UsualPupils(report);
        return BarChart.Of(report.Weeks.Select(w =>
        {
            var smaller = !w.Lov && w.Pupils < SmallerBase * usual;
            var label = w.Lov ? $"v. {w.IsoWeek} lov" : smaller ? $"v. {w.IsoWeek}*" : $"v. {w.IsoWeek}";
            var title = $"Vecka {w.IsoWeek} ({Date(w.FirstDay)}–{Date(w.LastDay)}): " + (w.Lov ? "lov, ingen skoldag"
                : w.Suppressed ? $"färre än {report.MinGroupSize} elever, visas inte"
                : $"giltig {Pct(w.ExcusedShare)}, ogiltig {Pct(w.UnexcusedShare)}, {Count(w.Pupils)} elever" +
                  (smaller ? $" (färre än vanligt, {Count(usual)})" : ""));
            return new Bar(label, null, w.Suppressed || w.Lov ? [] : [new Segment(0, w.ExcusedShare ?? 0), new Segment(1, w.UnexcusedShare ?? 0)], title);
        }));
    }

    /// <summary>A week with fewer pupils than this share of the term's usual week (the median) is marked as having a smaller base.</summary>
    private const double SmallerBase = 0.9;

    private static int UsualPupils(TermReport report)
    {
        var pupils = report.Weeks.Where(w => !w.Lov).Select(w => w.Pupils).Order().ToList();
        return pupils.Count == 0 ? 0 : pupils[pupils.Count / 2];
    }

    private static BarChart SchoolChartOf(TermReport report) => BarChart.Of(report.Groups.Select((g, i) => (g, i))
        .Where(x => x.g.Kind is GroupKind.Municipality or GroupKind.School).Select(x =>
        {
            var excused = report[x.i, GenderColumn.All, Measures.Excused];
            var unexcused = report[x.i, GenderColumn.All, Measures.Unexcused];
            var shown = excused.Shown && unexcused.Shown;
            return new Bar(x.g.Name, null,
                shown ? [new Segment(0, excused.Value!.Value), new Segment(1, unexcused.Value!.Value)] : [],
                shown ? $"{x.g.Name}: giltig {Pct(excused.Value)}, ogiltig {Pct(unexcused.Value)}" : $"{x.g.Name}: visas inte");
        }));

    private static BarChart LevelChartOf(TermReport report)
    {
        var bars = new List<Bar>();
        foreach (var (g, i) in report.Groups.Select((g, i) => (g, i)).Where(x => x.g.Kind is GroupKind.Municipality or GroupKind.Driftsform))
        {
            foreach (var gender in new[] { GenderColumn.Girls, GenderColumn.Boys })
            {
                var risk = report[i, gender, Measures.AtRiskShare];
                var high = report[i, gender, Measures.HighShare];
                var shown = risk.Shown && high.Shown;
                var name = gender == GenderColumn.Girls ? "Flickor" : "Pojkar";
                bars.Add(new Bar(name, g.Name,
                    shown ? [new Segment(0, risk.Value!.Value), new Segment(1, high.Value!.Value)] : [],
                    shown ? $"{g.Name}, {name.ToLowerInvariant()}: riskfrånvaro {Pct(risk.Value)}, hög frånvaro {Pct(high.Value)}" : $"{g.Name}, {name.ToLowerInvariant()}: visas inte"));
            }
        }

        return BarChart.Of(bars);
    }

    private static BarChart DevelopmentChartOf(TermReport report)
    {
        var bars = new List<Bar>();
        foreach (var (g, i) in report.Groups.Select((g, i) => (g, i)).Where(x => x.g.Kind is GroupKind.Municipality or GroupKind.Driftsform))
        {
            foreach (var w in Measures.DevelopmentWeeks)
            {
                var before = report[i, GenderColumn.All, Measures.DevBefore(w)];
                var after = report[i, GenderColumn.All, Measures.DevAfter(w)];
                bars.Add(new Bar($"{w} v före", g.Name, before.Shown ? [new Segment(0, before.Value!.Value)] : [],
                    $"{g.Name}, {w} veckor före: {(before.Shown ? Pct(before.Value) : "visas inte")}"));
                bars.Add(new Bar($"{w} v efter", g.Name, after.Shown ? [new Segment(1, after.Value!.Value)] : [],
                    $"{g.Name}, {w} veckor efter: {(after.Shown ? Pct(after.Value) : "visas inte")}"));
            }
        }

        return BarChart.Of(bars);
    }

    private static InvestigationPart InvestigationsOf(TermReport report)
    {
        var municipality = report.Groups.Single(g => g.Kind == GroupKind.Municipality);
        var weeks = Measures.InvestigationWeeks;
        var followed = report[municipality, GenderColumn.All, Measures.DevPupils(weeks)].Value is > 0;
        var bars = new List<Bar>();
        foreach (var (g, i) in report.Groups.Select((g, i) => (g, i)).Where(x => x.g.Kind is GroupKind.Municipality or GroupKind.Driftsform))
        {
            foreach (var with in new[] { true, false })
            {
                var name = with ? "med utredning" : "utan utredning";
                var before = report[i, GenderColumn.All, Measures.WithBefore(with)];
                var after = report[i, GenderColumn.All, Measures.WithAfter(with)];
                bars.Add(new Bar(with ? "Med, före" : "Utan, före", g.Name, before.Shown ? [new Segment(0, before.Value!.Value)] : [],
                    $"{g.Name}, {name}, {weeks} veckor före: {(before.Shown ? Pct(before.Value) : "visas inte")}"));
                bars.Add(new Bar(with ? "Med, efter" : "Utan, efter", g.Name, after.Shown ? [new Segment(1, after.Value!.Value)] : [],
                    $"{g.Name}, {name}, {weeks} veckor efter: {(after.Shown ? Pct(after.Value) : "visas inte")}"));
            }
        }

        return new InvestigationPart(
            report.ExpectedWithinSchoolDays, weeks,
            Table(report, [Measures.Alerted, Measures.AlertedStarted, Measures.DaysToStart]),
            Table(report, [Measures.HighFollowed, Measures.HighInTime, Measures.HighInTimeShare]),
            followed ? BarChart.Of(bars) : null,
            Table(report, [Measures.WithPupils(true), Measures.WithBefore(true), Measures.WithAfter(true)]),
            Table(report, [Measures.WithPupils(false), Measures.WithBefore(false), Measures.WithAfter(false)]));
    }

    /// <summary>HT2026: "höstterminen 2026".</summary>
    internal static string SwedishTermName(Term term) =>
        (term.Name.StartsWith("HT", StringComparison.OrdinalIgnoreCase) ? "höstterminen " : "vårterminen ") + term.Name[2..];

    internal static string Format(Cell cell, MeasureUnit unit) =>
        cell.Suppressed ? "–" : cell.Value is not { } v ? "" : unit switch
        {
            MeasureUnit.Count => Count((long)Math.Round(v)),
            MeasureUnit.SchoolDays => Math.Round(v, 1, MidpointRounding.AwayFromZero).ToString("0.#", Sv),
            _ => RuleEvaluator.Percent(v, 1),
        };

    internal static string Count(long n) => n.ToString("N0", Sv);

    internal static string Pct(double? share) => share is { } s ? RuleEvaluator.Percent(s, 1) : "";

    internal static string Date(DateOnly d) => d.ToString("d MMMM yyyy", Sv);

    internal static string AxisPct(double share) => (share * 100).ToString("0.#", Sv) + " %";
}

/// <summary>The key figures at the top, for the whole municipality.</summary>
internal sealed record PageSummary(
    string Pupils, string Attendance, string Excused, string Unexcused, string AtRisk, string High, string NewlyFlagged, string Digests);

/// <summary>One table: a column group per measure, a row per group. <see cref="HasSuppressed"/>: the footnote on – is needed.</summary>
internal sealed record PageTable(IReadOnlyList<TableMeasure> Measures, IReadOnlyList<TableRow> Rows, bool HasSuppressed)
{
    /// <summary>Every figure is 0 (or has nothing to count): the table is replaced by one "Inga".</summary>
    public bool AllZero { get; init; }
}

/// <summary><see cref="IsCount"/>: a number of pupils other than the group's size, headed "(antal)".</summary>
internal sealed record TableMeasure(string Label, bool IsCount);

/// <summary>
/// A group's row. <see cref="Kind"/>: municipality, driftsform, school or grade; <see cref="StartsSection"/>: the first
/// of its kind (a section heading goes above it). <see cref="Cells"/>: per measure, girls, boys and all.
/// </summary>
internal sealed record TableRow(string Kind, bool StartsSection, string Name, bool Independent, IReadOnlyList<IReadOnlyList<TableCell>> Cells);

internal sealed record TableCell(string Text, bool Suppressed)
{
    public static TableCell Of(Cell cell, MeasureUnit unit) => new(TermReportPage.Format(cell, unit), cell.Suppressed);
}

/// <summary>Before and after the first alert over <see cref="Weeks"/> weeks (<see cref="SchoolDays"/> nominal school days).</summary>
internal sealed record DevelopmentPart(int Weeks, int SchoolDays, int MinimumDays, PageTable Table);

/// <summary>
/// The legal steps after the alert: first alert to "utredning inledd" (<see cref="Start"/>), hög frånvaro investigated
/// within <see cref="ExpectedWithinSchoolDays"/> (<see cref="InTime"/>), and the absence in the <see cref="Weeks"/> weeks
/// before and after the alert of the pupils followed with and without an investigation (<see cref="Chart"/>: null when
/// no one can be followed yet).
/// </summary>
internal sealed record InvestigationPart(
    int ExpectedWithinSchoolDays, int Weeks, PageTable Start, PageTable InTime, BarChart? Chart, PageTable With, PageTable Without);

/// <summary>
/// The hand-off to the skolnärvaroteam: requests and the school days around them (<see cref="Requests"/>), and the absence in the
/// <see cref="Weeks"/> weeks before and after support began (<see cref="Absence"/>).
/// </summary>
internal sealed record SupportPart(int Weeks, int MinimumDays, PageTable Requests, PageTable Absence)
{
    public static SupportPart Of(TermReport report, Func<TermReport, string[], PageTable> table) => new(
        Measures.SupportWeeks, TermReportBuilder.MinimumDays(Measures.SupportWeeks),
        table(report, [Measures.SupportRequested, Measures.SupportStarted, Measures.DaysReportToRequest, Measures.DaysRequestToStart]),
        table(report, [Measures.SupportFollowed, Measures.SupportBefore, Measures.SupportAfter]));
}

/// <summary>
/// A row of the data-quality table: a school, or a driftsform or the municipality (<see cref="IsTotal"/>).
/// <see cref="NeedsAttention"/>: a rejected export or a stale export at the last run. <see cref="ReportingRateMeasurable"/>
/// is false where only per-term summaries were exported, which cannot show unregistered time.
/// </summary>
internal sealed record DataQualityLine(
    string Name, string Driftsform, bool IsTotal, bool NeedsAttention, string DigestsSent, string DigestsNotSent, string RejectedFiles,
    string NightlyRuns, string StaleRuns, bool? StaleAtLastRun, string LastExportTo, TableCell ReportingRate, bool ReportingRateMeasurable)
{
    public static DataQualityLine Of(DataQualityRow row) => new(
        row.Name,
        row.IsTotal || row.Driftsform is null ? "" : TermReportBuilder.DriftsformName(row.Driftsform),
        row.IsTotal,
        row.RejectedFiles > 0 || row.StaleAtLastRun == true,
        TermReportPage.Count(row.DigestsSent), TermReportPage.Count(row.DigestsNotSent), TermReportPage.Count(row.RejectedFiles),
        TermReportPage.Count(row.NightlyRuns), TermReportPage.Count(row.StaleRuns),
        row.StaleAtLastRun,
        row.LastExportTo is { } d ? TermReportPage.Date(d) : "",
        TableCell.Of(row.ReportingRate, MeasureUnit.Percent),
        row.ReportingRate is not { Suppressed: false, Value: null });
}

/// <summary>
/// A bar chart: bars in order, each a stack of segments. <see cref="ChartSegment.Fraction"/> is the segment's value as a
/// fraction of the axis maximum, whose quarters <see cref="Ticks"/> label. <see cref="Groups"/>: runs of bars under a caption.
/// </summary>
internal sealed record BarChart(IReadOnlyList<string> Ticks, IReadOnlyList<ChartBar> Bars, IReadOnlyList<BarGroup> Groups)
{
    public static BarChart Of(IEnumerable<Bar> source)
    {
        var bars = source.ToList();
        var max = Scale(bars.Select(b => b.Segments.Sum(s => s.Value)).DefaultIfEmpty(0).Max());
        var groups = new List<BarGroup>();
        for (var i = 0; i < bars.Count;)
        {
            var j = i;
            while (j < bars.Count && bars[j].Group == bars[i].Group)
            {
                j++;
            }

            if (bars[i].Group is { } group)
            {
                groups.Add(new BarGroup(group, i, j - i));
            }

            i = j;
        }

        return new BarChart(
            [.. Enumerable.Range(0, 5).Select(t => TermReportPage.AxisPct(max * t / 4))],
            [.. bars.Select(b => new ChartBar(b.Label, b.Title,
                b.Segments.Count == 0 ? "–" : TermReportPage.Pct(b.Segments.Sum(s => s.Value)),
                [.. b.Segments.Select(s => new ChartSegment(s.Series, s.Value / max))]))],
            groups);
    }

    /// <summary>A round axis maximum a little above the largest value, whose quarters are round too (2, 2,5, 3, 4 … %).</summary>
    private static double Scale(double max)
    {
        foreach (var step in new[] { 0.04, 0.08, 0.10, 0.12, 0.16, 0.20, 0.30, 0.40, 0.60, 0.80, 1.0 })
        {
            if (max <= step * 0.95)
            {
                return step;
            }
        }

        return 1.0;
    }
}

/// <summary><see cref="Value"/>: the bar's total as written above or beside it, – when its figures are hidden.</summary>
internal sealed record ChartBar(string Label, string Title, string Value, IReadOnlyList<ChartSegment> Segments);

/// <summary><see cref="Series"/>: which of the chart's colours (and legend entries) the segment takes, from 0.</summary>
internal sealed record ChartSegment(int Series, double Fraction);

/// <summary>Bars <see cref="First"/> to First + <see cref="Count"/> − 1 share the caption <see cref="Name"/>.</summary>
internal sealed record BarGroup(string Name, int First, int Count);

/// <summary>A bar before scaling: a stack of (series, value) with its label, group caption and tooltip.</summary>
internal sealed record Bar(string Label, string? Group, IReadOnlyList<Segment> Segments, string Title);

internal sealed record Segment(int Series, double Value);
