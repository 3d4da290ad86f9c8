using System.Globalization;
using System.Text;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Reporting;

/// <summary>
/// The committees' report as one self-contained HTML file: inline CSS, charts as inline SVG, no scripts, fonts or images
/// from anywhere, so it opens the same from an e-mail attachment or a file share. Swedish throughout. Built in code rather
/// than a template: the charts are geometry, and the numbers come from the same cells as the CSV.
/// </summary>
public static class TermReportHtml
{
    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");
    private const string Excused = "#4e79a7", Unexcused = "#f28e2b", AtRiskColour = "#edc948", HighColour = "#e15759", Before = "#9aa5b1", After = "#59a14f";

    public static string Render(TermReport report, DateOnly created)
    {
        var h = new StringBuilder();
        var termName = TermName(report.Term);
        var from = report.Weeks.Count > 0 ? report.Weeks[0].FirstDay : report.From;
        h.Append($"""
            <!DOCTYPE html>
            <html lang="sv">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Terminsrapport skolnärvaro {E(termName)}</title>
            <style>{Css}</style>
            </head>
            <body>
            <header>
            <h1>Skolnärvaro {E(termName)}</h1>
            <p class="lead">Terminsrapport till nämnderna om närvaro och frånvaro i kommunens grundskolor, kommunala och fristående,
            och om hur elever med hög frånvaro utvecklades efter att rektor fått en tidig varning.</p>
            <p class="meta">Uppgifter från {Date(from)} till och med {Date(report.To)} · skapad {Date(created)} ·
            uppgifter om färre än {report.MinGroupSize} elever visas inte (–)</p>
            </header>
            """);

        Summary(h, report);

        h.Append("<section><h2>Frånvaro vecka för vecka</h2>");
        h.Append("<p>Hela kommunen: andel av den registrerade tiden som eleverna var frånvarande, per vecka, uppdelat på giltig och ogiltig frånvaro.</p>");
        WeekChart(h, report);
        h.Append("</section>");

        h.Append("<section><h2>Närvaro och frånvaro</h2>");
        h.Append("<p>Andel av den registrerade lektionstiden under terminen. Elever räknas på varje skola där de haft schemalagd tid.</p>");
        SchoolChart(h, report);
        Table(h, report, [Measures.Pupils, Measures.Attendance, Measures.Excused, Measures.Unexcused]);
        h.Append("</section>");

        h.Append("<section><h2>Elever med riskfrånvaro och hög frånvaro</h2>");
        h.Append("<p>Elever som någon gång under terminen låg på nivån; varje elev räknas en gång, på den högsta nivå eleven nådde. " +
                 "Riskfrånvaro och hög frånvaro följer kommunens överenskomna gränser.</p>");
        LevelChart(h, report);
        Table(h, report, [Measures.AtRisk, Measures.AtRiskShare, Measures.High, Measures.HighShare, Measures.Trend]);
        h.Append("</section>");

        h.Append("<section><h2>Tidiga varningar till rektor</h2>");
        h.Append("<p><b>Nya flaggningar</b>: elever som under terminen kom upp på en nivå utan att ha legat på någon nivå dagen före. " +
                 "<b>Elever i rektorsbesked</b>: elever som nämnts i minst ett skickat besked till rektor under terminen.</p>");
        Table(h, report, [Measures.NewlyFlagged, Measures.Reported]);
        h.Append("</section>");

        h.Append("<section><h2>Hur gick det sedan?</h2>");
        h.Append($"""
            <p>Elever vars första flaggning på skolan kom under terminen och som rektor fick besked om. Frånvaron (giltig och ogiltig,
            andel av registrerad tid) de 4 och 8 veckorna fram till och med beskedet jämförs med de 4 och 8 veckorna efter. En elev
            räknas bara när hela perioden efter ligger före rapportdatumet och eleven har registrerad tid minst
            {TermReportBuilder.MinimumDays(4)} av 20 skoldagar (4 veckor) respektive {TermReportBuilder.MinimumDays(8)} av 40 skoldagar
            (8 veckor) både före och efter. Siffran är genomsnittet av elevernas andelar. Jämförelsen visar hur det gick, inte vad
            som orsakade det: frånvaro som är ovanligt hög sjunker ofta något av sig själv.</p>
            """);
        var municipality = report.Groups.Single(g => g.Kind == GroupKind.Municipality);
        if (report[municipality, GenderColumn.All, Measures.DevPupils(Measures.DevelopmentWeeks[0])].Value is not > 0)
        {
            h.Append($"<p class=\"empty\">Ingen elev kan följas ännu: ingen första varning under terminen har {Measures.DevelopmentWeeks[0]} veckor " +
                     $"med uppgifter efter sig före {Date(report.To)}.</p>");
        }
        else
        {
            DevelopmentChart(h, report);
        }

        foreach (var w in Measures.DevelopmentWeeks)
        {
            h.Append($"<h3>{w} veckor före och efter</h3>");
            Table(h, report, [Measures.DevPupils(w), Measures.DevBefore(w), Measures.DevAfter(w), Measures.DevLower(w)]);
        }

        h.Append("</section>");

        h.Append("<section><h2>Rektorsbesked och datakvalitet per skola</h2>");
        h.Append("<p>Besked till rektor som kommit till under terminen, avvisade exportfiler, och hur ofta de nattliga körningarna fann " +
                 "att skolans senaste export var för gammal. Rapporteringsgrad: andel av den schemalagda tiden där närvaron registrerats " +
                 "(bara lektions- och dagsexporter; sammanställningar per termin säger inget om det).</p>");
        DataQualityTable(h, report);
        h.Append("</section>");

        About(h, report);
        h.Append("</body>\n</html>\n");
        return h.ToString();
    }

    private static void Summary(StringBuilder h, TermReport report)
    {
        var m = report.Groups.Single(g => g.Kind == GroupKind.Municipality);
        string V(string measure) => Format(report[m, GenderColumn.All, measure], report.Measures.Single(x => x.Key == measure).Unit);
        var digests = report.Schools.Sum(s => s.DigestsSent);
        h.Append("<section class=\"summary\">");
        foreach (var (label, value) in new[]
                 {
                     ("Elever", V(Measures.Pupils)), ("Närvaro", V(Measures.Attendance)), ("Giltig frånvaro", V(Measures.Excused)),
                     ("Ogiltig frånvaro", V(Measures.Unexcused)), ("Riskfrånvaro", V(Measures.AtRisk)), ("Hög frånvaro", V(Measures.High)),
                     ("Nya flaggningar", V(Measures.NewlyFlagged)), ("Besked till rektor", digests.ToString("N0", Sv)),
                 })
        {
            h.Append($"<div class=\"kpi\"><div class=\"v\">{value}</div><div class=\"l\">{E(label)}</div></div>");
        }

        h.Append("</section>");
    }

    /// <summary>Groups as rows (municipality, driftsform, schools, grades), each measure as girls | boys | all.</summary>
    private static void Table(StringBuilder h, TermReport report, string[] keys)
    {
        var measures = keys.Select(k => report.Measures.Single(m => m.Key == k)).ToList();
        h.Append("<table><thead><tr><th rowspan=\"2\" class=\"g\">Grupp</th>");
        foreach (var m in measures)
        {
            h.Append($"<th colspan=\"3\" class=\"m\">{E(m.Label)}{(m.Unit == MeasureUnit.Count && m.Key != Measures.Pupils ? " (antal)" : "")}</th>");
        }

        h.Append("</tr><tr>");
        foreach (var _ in measures)
        {
            h.Append("<th class=\"first\">Flickor</th><th>Pojkar</th><th>Alla</th>");
        }

        h.Append("</tr></thead><tbody>");
        GroupKind? section = null;
        for (var g = 0; g < report.Groups.Count; g++)
        {
            var group = report.Groups[g];
            if (group.Kind != section && group.Kind != GroupKind.Municipality)
            {
                var title = group.Kind switch { GroupKind.Driftsform => "Driftsform", GroupKind.School => "Skolor", _ => "Årskurs" };
                h.Append($"<tr class=\"section\"><td colspan=\"{1 + 3 * measures.Count}\">{title}</td></tr>");
            }

            section = group.Kind;
            var label = group.Kind == GroupKind.School && group.Driftsform == "Independent"
                ? $"{E(group.Name)} <span class=\"tag\">fristående</span>"
                : E(group.Name);
            h.Append($"<tr{(group.Kind == GroupKind.Municipality ? " class=\"total\"" : "")}><td class=\"g\">{label}</td>");
            foreach (var m in measures)
            {
                foreach (var gender in Enum.GetValues<GenderColumn>())
                {
                    var cell = report[g, gender, m.Key];
                    var css = (gender == GenderColumn.Girls ? "first " : "") + (cell.Suppressed ? "s" : "");
                    h.Append($"<td class=\"{css.Trim()}\"{(cell.Suppressed ? $" title=\"Färre än {report.MinGroupSize} elever\"" : "")}>{Format(cell, m.Unit)}</td>");
                }
            }

            h.Append("</tr>");
        }

        h.Append("</tbody></table>");
        if (measures.Any(m => Enumerable.Range(0, report.Groups.Count).Any(g => Enum.GetValues<GenderColumn>().Any(x => report[g, x, m.Key].Suppressed))))
        {
            h.Append($"<p class=\"note\">– Uppgiften visas inte: den bygger på färre än {report.MinGroupSize} elever, eller skulle göra det möjligt " +
                     "att räkna fram en sådan uppgift ur andra siffror i tabellen. Tom ruta: inga elever att räkna på.</p>");
        }
    }

    private static void DataQualityTable(StringBuilder h, TermReport report)
    {
        h.Append("<table class=\"dq\"><thead><tr><th class=\"g\">Skola</th><th>Driftsform</th><th>Besked skickade</th><th>Besked ej skickade</th>" +
                 "<th>Avvisade exporter</th><th>Nattliga körningar</th><th>varav inaktuell export</th><th>Inaktuell vid senaste körningen</th>" +
                 "<th>Senaste export t.o.m.</th><th>Rapporterings&shy;grad</th></tr></thead><tbody>");
        foreach (var row in DataQualityRows.Of(report))
        {
            var warn = row.RejectedFiles > 0 || row.StaleAtLastRun == true;
            h.Append($"<tr class=\"{(row.IsTotal ? "total" : warn ? "warn" : "")}\"><td class=\"g\">{E(row.Name)}</td>" +
                     $"<td>{(row.IsTotal || row.Driftsform is null ? "" : E(TermReportBuilder.DriftsformName(row.Driftsform)))}</td>" +
                     $"<td>{row.DigestsSent.ToString("N0", Sv)}</td><td>{row.DigestsNotSent.ToString("N0", Sv)}</td>" +
                     $"<td>{row.RejectedFiles.ToString("N0", Sv)}</td><td>{row.NightlyRuns.ToString("N0", Sv)}</td><td>{row.StaleRuns.ToString("N0", Sv)}</td>" +
                     $"<td>{row.StaleAtLastRun switch { true => "ja", false => "nej", null => "" }}</td>" +
                     $"<td>{(row.LastExportTo is { } d ? Date(d) : "")}</td>" +
                     (row.ReportingRate is { Suppressed: false, Value: null }
                         ? "<td title=\"Bara sammanställningar per termin, som inte visar oregistrerad tid\">ej mätbar</td></tr>"
                         : $"<td class=\"{(row.ReportingRate.Suppressed ? "s" : "")}\">{Format(row.ReportingRate, MeasureUnit.Percent)}</td></tr>"));
        }

        h.Append("</tbody></table>");
    }

    private static void WeekChart(StringBuilder h, TermReport report)
    {
        var bars = report.Weeks.Select(w => new Bar(
            $"v. {w.IsoWeek}", null,
            w.Suppressed ? [] : [new Segment(w.ExcusedShare ?? 0, Excused, "giltig"), new Segment(w.UnexcusedShare ?? 0, Unexcused, "ogiltig")],
            $"Vecka {w.IsoWeek} ({Date(w.FirstDay)}–{Date(w.LastDay)}): " + (w.Suppressed
                ? $"färre än {report.MinGroupSize} elever, visas inte"
                : $"giltig {Pct(w.ExcusedShare)}, ogiltig {Pct(w.UnexcusedShare)}"))).ToList();
        VerticalBars(h, "Frånvaro per vecka i hela kommunen", bars, [("Giltig frånvaro", Excused), ("Ogiltig frånvaro", Unexcused)], totalLabels: true);
    }

    private static void SchoolChart(StringBuilder h, TermReport report)
    {
        var rows = report.Groups.Select((g, i) => (g, i)).Where(x => x.g.Kind is GroupKind.Municipality or GroupKind.School).Select(x =>
        {
            var excused = report[x.i, GenderColumn.All, Measures.Excused];
            var unexcused = report[x.i, GenderColumn.All, Measures.Unexcused];
            var shown = excused.Shown && unexcused.Shown;
            return new Bar(x.g.Name, null,
                shown ? [new Segment(excused.Value!.Value, Excused, "giltig"), new Segment(unexcused.Value!.Value, Unexcused, "ogiltig")] : [],
                shown ? $"{x.g.Name}: giltig {Pct(excused.Value)}, ogiltig {Pct(unexcused.Value)}" : $"{x.g.Name}: visas inte");
        }).ToList();
        HorizontalBars(h, "Frånvaro per skola under terminen", rows, [("Giltig frånvaro", Excused), ("Ogiltig frånvaro", Unexcused)]);
    }

    private static void LevelChart(StringBuilder h, TermReport report)
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
                    shown ? [new Segment(risk.Value!.Value, AtRiskColour, "risk"), new Segment(high.Value!.Value, HighColour, "hög")] : [],
                    shown ? $"{g.Name}, {name.ToLowerInvariant()}: riskfrånvaro {Pct(risk.Value)}, hög frånvaro {Pct(high.Value)}" : $"{g.Name}, {name.ToLowerInvariant()}: visas inte"));
            }
        }

        VerticalBars(h, "Andel elever med riskfrånvaro och hög frånvaro, flickor och pojkar", bars,
            [("Riskfrånvaro", AtRiskColour), ("Hög frånvaro", HighColour)], totalLabels: true);
    }

    private static void DevelopmentChart(StringBuilder h, TermReport report)
    {
        var bars = new List<Bar>();
        foreach (var (g, i) in report.Groups.Select((g, i) => (g, i)).Where(x => x.g.Kind is GroupKind.Municipality or GroupKind.Driftsform))
        {
            foreach (var w in Measures.DevelopmentWeeks)
            {
                var before = report[i, GenderColumn.All, Measures.DevBefore(w)];
                var after = report[i, GenderColumn.All, Measures.DevAfter(w)];
                bars.Add(new Bar($"{w} v före", g.Name, before.Shown ? [new Segment(before.Value!.Value, Before, "före")] : [],
                    $"{g.Name}, {w} veckor före: {(before.Shown ? Pct(before.Value) : "visas inte")}"));
                bars.Add(new Bar($"{w} v efter", g.Name, after.Shown ? [new Segment(after.Value!.Value, After, "efter")] : [],
                    $"{g.Name}, {w} veckor efter: {(after.Shown ? Pct(after.Value) : "visas inte")}"));
            }
        }

        VerticalBars(h, "Frånvaro före och efter första beskedet till rektor", bars, [("Före beskedet", Before), ("Efter beskedet", After)], totalLabels: true);
    }

    private sealed record Segment(double Value, string Colour, string Name);

    private sealed record Bar(string Label, string? Group, IReadOnlyList<Segment> Segments, string Title);

    private static void VerticalBars(StringBuilder h, string title, IReadOnlyList<Bar> bars, (string, string)[] legend, bool totalLabels)
    {
        const int width = 1000, height = 300, left = 50, top = 20, bottom = 60;
        var plotHeight = height - top - bottom;
        var max = Scale(bars.Select(b => b.Segments.Sum(s => s.Value)).DefaultIfEmpty(0).Max());
        var slot = bars.Count == 0 ? 0 : (double)(width - left - 10) / bars.Count;
        var barWidth = Math.Min(48, slot * 0.7);
        h.Append($"<figure><svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{E(title)}\">");
        Axis(h, left, top, width - 10, plotHeight, max);
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var x = left + slot * i + (slot - barWidth) / 2;
            var y = (double)top + plotHeight;
            h.Append($"<g><title>{E(bar.Title)}</title>");
            foreach (var s in bar.Segments)
            {
                var hgt = max == 0 ? 0 : s.Value / max * plotHeight;
                y -= hgt;
                h.Append($"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(barWidth)}\" height=\"{N(hgt)}\" fill=\"{s.Colour}\"/>");
            }

            var labelY = top + plotHeight + 16;
            h.Append($"<text x=\"{N(x + barWidth / 2)}\" y=\"{labelY}\" class=\"xl\">{E(bar.Label)}</text>");
            if (bar.Segments.Count == 0)
            {
                h.Append($"<text x=\"{N(x + barWidth / 2)}\" y=\"{top + plotHeight - 4}\" class=\"bl\">–</text>");
            }
            else if (totalLabels)
            {
                h.Append($"<text x=\"{N(x + barWidth / 2)}\" y=\"{N(y - 4)}\" class=\"bl\">{E(Pct(bar.Segments.Sum(s => s.Value)))}</text>");
            }

            h.Append("</g>");
        }

        // Group captions under runs of bars that share a group (driftsform, municipality).
        for (var i = 0; i < bars.Count;)
        {
            var j = i;
            while (j < bars.Count && bars[j].Group == bars[i].Group)
            {
                j++;
            }

            if (bars[i].Group is { } group)
            {
                var x1 = left + slot * i + 4;
                var x2 = left + slot * j - 4;
                h.Append($"<line x1=\"{N(x1)}\" x2=\"{N(x2)}\" y1=\"{top + plotHeight + 24}\" y2=\"{top + plotHeight + 24}\" class=\"grp\"/>");
                h.Append($"<text x=\"{N((x1 + x2) / 2)}\" y=\"{top + plotHeight + 40}\" class=\"gl\">{E(group)}</text>");
            }

            i = j;
        }

        h.Append("</svg>");
        Legend(h, legend);
        h.Append($"<figcaption>{E(title)}</figcaption></figure>");
    }

    private static void HorizontalBars(StringBuilder h, string title, IReadOnlyList<Bar> bars, (string, string)[] legend)
    {
        const int width = 1000, left = 280, right = 70, rowHeight = 26, top = 10;
        var height = top + bars.Count * rowHeight + 30;
        var plotWidth = width - left - right;
        var max = Scale(bars.Select(b => b.Segments.Sum(s => s.Value)).DefaultIfEmpty(0).Max());
        h.Append($"<figure><svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{E(title)}\">");
        for (var t = 0; t <= 4; t++)
        {
            var x = left + plotWidth * t / 4.0;
            h.Append($"<line x1=\"{N(x)}\" x2=\"{N(x)}\" y1=\"{top}\" y2=\"{top + bars.Count * rowHeight}\" class=\"grid\"/>");
            h.Append($"<text x=\"{N(x)}\" y=\"{top + bars.Count * rowHeight + 16}\" class=\"xl\">{AxisPct(max * t / 4)}</text>");
        }

        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var y = top + i * rowHeight;
            var x = (double)left;
            h.Append($"<g><title>{E(bar.Title)}</title><text x=\"{left - 8}\" y=\"{y + 17}\" class=\"yl\">{E(bar.Label)}</text>");
            foreach (var s in bar.Segments)
            {
                var w = max == 0 ? 0 : s.Value / max * plotWidth;
                h.Append($"<rect x=\"{N(x)}\" y=\"{y + 4}\" width=\"{N(w)}\" height=\"{rowHeight - 8}\" fill=\"{s.Colour}\"/>");
                x += w;
            }

            var label = bar.Segments.Count == 0 ? "–" : Pct(bar.Segments.Sum(s => s.Value));
            h.Append($"<text x=\"{N(x + 6)}\" y=\"{y + 17}\" class=\"vl\">{E(label)}</text></g>");
        }

        h.Append("</svg>");
        Legend(h, legend);
        h.Append($"<figcaption>{E(title)}</figcaption></figure>");
    }

    private static void Axis(StringBuilder h, int left, int top, int right, int plotHeight, double max)
    {
        for (var t = 0; t <= 4; t++)
        {
            var y = top + plotHeight - plotHeight * t / 4.0;
            h.Append($"<line x1=\"{left}\" x2=\"{right}\" y1=\"{N(y)}\" y2=\"{N(y)}\" class=\"grid\"/>");
            h.Append($"<text x=\"{left - 6}\" y=\"{N(y + 4)}\" class=\"yl\">{AxisPct(max * t / 4)}</text>");
        }
    }

    private static void Legend(StringBuilder h, (string Label, string Colour)[] legend)
    {
        h.Append("<div class=\"legend\">");
        foreach (var (label, colour) in legend)
        {
            h.Append($"<span><i style=\"background:{colour}\"></i>{E(label)}</span>");
        }

        h.Append("</div>");
    }

    private static void About(StringBuilder h, TermReport report)
    {
        h.Append($"""
            <section class="about"><h2>Om siffrorna</h2>
            <ul>
            <li><b>Underlag</b>: skolornas närvaroexporter, omräknade till minuter per elev, skola och dag. Registrerad tid är schemalagd tid
            där närvaron rapporterats; oregistrerad tid räknas varken som närvaro eller frånvaro. Sen ankomst räknas som frånvaro bara där
            kommunens tröskelvärden säger så.</li>
            <li><b>Elever</b>: elever med schemalagd tid på skolan under terminen. En elev som bytt skola räknas på båda skolorna, så att
            skolorna summerar till driftsformen och driftsformerna till kommunen. Kön och årskurs kommer från skolornas exporter.</li>
            <li><b>Nivåer</b>: riskfrånvaro och hög frånvaro enligt de överenskomna gränserna, som de nattliga körningarna tillämpade dem.
            Trend är trendmodellens varningar (0 så länge modellen inte används).</li>
            <li><b>Små grupper</b>: en uppgift som bygger på färre än {report.MinGroupSize} elever visas som –, liksom varje antal elever
            mellan 1 och {report.MinGroupSize - 1}. Där en sådan uppgift annars skulle kunna räknas fram ur en summa (flickor + pojkar = alla,
            skolorna = driftsformen, driftsformerna och årskurserna = kommunen) döljs också ytterligare en uppgift. Andelar döljs när
            något av de antal de räknas från är dolt. Rapporten innehåller inga namn eller personnummer.</li>
            <li><b>Siffrorna i tabellform</b> finns i CSV-filerna bredvid denna fil (semikolon, decimalkomma), med samma avrundning.</li>
            </ul></section>
            """);
    }

    private static string Format(Cell cell, MeasureUnit unit) =>
        cell.Suppressed ? "–" : cell.Value is not { } v ? "" : unit == MeasureUnit.Count ? ((long)Math.Round(v)).ToString("N0", Sv) : RuleEvaluator.Percent(v, 1);

    private static string AxisPct(double share) => (share * 100).ToString("0.#", Sv) + " %";

    private static string Pct(double? share) => share is { } s ? RuleEvaluator.Percent(s, 1) : "";

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

    public static string TermName(Term term) =>
        (term.Name.StartsWith("HT", StringComparison.OrdinalIgnoreCase) ? "höstterminen " : "vårterminen ") + term.Name[2..];

    private static string Date(DateOnly d) => d.ToString("d MMMM yyyy", Sv);

    private static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Escapes markup only: å, ä and ö stay readable in the file (WebUtility.HtmlEncode would write them as &amp;#228;).</summary>
    private static string E(string s) =>
        s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
         .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    private const string Css = """
        body{font-family:"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2933;margin:0 auto;max-width:1180px;padding:24px 32px;line-height:1.45}
        h1{font-size:28px;margin:0 0 6px}h2{font-size:21px;margin:34px 0 8px;border-bottom:2px solid #d9e2ec;padding-bottom:4px}h3{font-size:16px;margin:20px 0 6px}
        .lead{font-size:16px;margin:4px 0}.meta{color:#52606d;font-size:13px}
        .summary{display:flex;flex-wrap:wrap;gap:10px;margin-top:18px}.kpi{background:#f0f4f8;border-radius:6px;padding:10px 12px;flex:1 1 0;min-width:100px}
        .kpi .v{font-size:22px;font-weight:600}.kpi .l{font-size:12px;color:#52606d}
        table{border-collapse:collapse;font-size:12.5px;margin:10px 0 4px;width:100%}
        th,td{padding:3px 6px;border-bottom:1px solid #e4e7eb;text-align:right;white-space:nowrap}
        th{background:#f5f7fa;font-weight:600;vertical-align:bottom}th.m{text-align:center;border-left:2px solid #cbd2d9}
        td.first,th.first{border-left:2px solid #cbd2d9}th.g,td.g{text-align:left;white-space:normal}
        tr.total td{font-weight:600;background:#f0f4f8}tr.section td{text-align:left;font-weight:600;color:#52606d;background:#fff;padding-top:10px;border-bottom:1px solid #9aa5b1}
        tr.warn td{background:#fff4e5}td.s{color:#9aa5b1}.tag{font-size:11px;color:#52606d;background:#e4e7eb;border-radius:3px;padding:0 4px}
        table.dq td,table.dq th{white-space:normal}
        .note{font-size:12px;color:#52606d;margin:2px 0 14px}.empty{background:#f5f7fa;border-left:4px solid #9aa5b1;padding:8px 12px}
        figure{margin:14px 0}figcaption{font-size:12px;color:#52606d}
        svg text{font-family:inherit;font-size:11px;fill:#323f4b}svg .xl,svg .bl,svg .gl{text-anchor:middle}svg .yl{text-anchor:end}
        svg .gl{font-weight:600}svg .grid{stroke:#e4e7eb}svg .grp{stroke:#9aa5b1}
        .legend{font-size:12px;margin:2px 0 4px}.legend span{margin-right:16px}.legend i{display:inline-block;width:11px;height:11px;margin-right:5px;vertical-align:-1px}
        .about li{margin-bottom:6px;font-size:14px}
        @media print{body{max-width:none;padding:0}section{break-inside:avoid-page}}
        """;
}
