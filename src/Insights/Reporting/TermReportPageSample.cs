namespace Skolnarvaro.Insights.Reporting;

/// <summary>
/// Pages with every field set and every branch taken (hidden figures, a fristående school, stale and unmeasurable data,
/// development followed or not), rendered at start-up so a misspelt name in the template stops the start.
/// </summary>
internal static class TermReportPageSample
{
    public static IReadOnlyList<TermReportPage> All { get; } = Build();

    private static TermReportPage[] Build()
    {
        TableCell shown = new("12,5 %", false), hidden = new("–", true), empty = new("", false);
        var table = new PageTable(
            [new TableMeasure("Elever", false), new TableMeasure("Riskfrånvaro", true)],
            [
                new TableRow("municipality", false, "Hela kommunen", false, [[shown, shown, shown], [shown, shown, shown]]),
                new TableRow("driftsform", true, "Fristående skolor", false, [[hidden, hidden, shown], [empty, empty, empty]]),
                new TableRow("school", true, "Exempelskolan", true, [[hidden, hidden, shown], [shown, shown, shown]]),
                new TableRow("grade", true, "Årskurs 7", false, [[shown, shown, shown], [shown, shown, shown]]),
            ],
            true);
        var chart = new BarChart(
            ["0 %", "1 %", "2 %", "3 %", "4 %"],
            [
                new ChartBar("Flickor", "Hela kommunen, flickor: riskfrånvaro 1,0 %, hög frånvaro 0,5 %", "1,5 %", [new ChartSegment(0, 0.25), new ChartSegment(1, 0.125)]),
                new ChartBar("Pojkar", "Hela kommunen, pojkar: visas inte", "–", []),
            ],
            [new BarGroup("Hela kommunen", 0, 2)]);
        DataQualityLine school = new("Exempelskolan", "Fristående", false, true, "12", "0", "1", "60", "3", true, "20 november 2026", shown, true);
        var page = new TermReportPage(
            "höstterminen 2026", "17 augusti 2026", "20 november 2026", "23 november 2026", 5,
            new PageSummary("1 234", "91,2 %", "6,1 %", "2,7 %", "120", "45", "98", "30"),
            chart, chart, chart, chart,
            table, table, table with { AllZero = true },
            4, [new DevelopmentPart(4, 20, 10, table), new DevelopmentPart(8, 40, 20, table)],
            new InvestigationPart(10, 4, table, table, chart, table, table),
            [
                school,
                school with { Name = "Andra skolan", NeedsAttention = false, StaleAtLastRun = false, ReportingRate = hidden },
                school with { Name = "Tredje skolan", StaleAtLastRun = null, LastExportTo = "", ReportingRate = empty, ReportingRateMeasurable = false },
                school with { Name = "Hela kommunen", Driftsform = "", IsTotal = true, StaleAtLastRun = null, LastExportTo = "" },
            ]);
        page = page with { WeekNotes = ["lov: ingen skola hade skoldag den veckan."], Support = new SupportPart(4, 10, table, table) };
        return [page, page with { DevelopmentChart = null, Investigations = page.Investigations with { Chart = null } }];
    }
}
