using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Skolnarvaro.Analysis.Trend;

/// <summary>
/// The evaluation as analysts read it: a self-contained HTML page in Swedish (tables and inline SVG charts, nothing
/// fetched) and the same figures as JSON. No pupil appears in either: only counts and shares.
/// </summary>
public static class TrendReport
{
    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Json(TrendEvaluationResult r, AlertBudgetResult budget, TrendModelInfo model, string? caveat) => JsonSerializer.Serialize(new
    {
        model = new
        {
            model.Version, model.TrainedFrom, model.TrainedTo, model.HeldOutFrom, model.HeldOutTo, model.Seed, model.HorizonWeeks,
            model.HeldOutAuc, model.Features, model.ModelSha256, label = model.Label.ToString(), model.TrendCutOff, model.AddedShare,
        },
        caveat,
        alertBudget = budget,
        evaluation = r,
    }, Indented);

    public static string Html(TrendEvaluationResult r, AlertBudgetResult budget, TrendModelInfo model, string? caveat)
    {
        var o = r.Overall;
        var sb = new StringBuilder();
        sb.Append($$"""
            <!DOCTYPE html>
            <html lang="sv"><head><meta charset="utf-8"><title>Trendmodell v{{model.Version}}: utvärdering {{r.From:yyyy-MM-dd}} – {{r.To:yyyy-MM-dd}}</title>
            <style>
            body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; line-height: 1.45; }
            table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
            th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            .note { background: #fff4d6; padding: 0.6rem 0.9rem; border-left: 4px solid #e0a800; }
            .small { color: #555; font-size: 0.9rem; }
            </style></head><body>
            <h1>Trendmodell v{{model.Version}} – utvärdering</h1>
            <p>Period: <b>{{r.From:yyyy-MM-dd}} – {{r.To:yyyy-MM-dd}}</b>, {{r.ScoringDates}} bedömningsdagar (en per skolvecka),
            {{r.Pupils.ToString("N0", Sv)}} elever, {{o.Samples.ToString("N0", Sv)}} bedömningar av elever som inte hade hög frånvaro.
            Modellen tränades på {{model.TrainedFrom:yyyy-MM-dd}} – {{model.TrainedTo:yyyy-MM-dd}} (frö {{model.Seed}}).
            Frågan: når eleven hög frånvaro enligt tröskelvärdena inom {{r.HorizonWeeks}} skolveckor?
            {{o.Positives.ToString("N0", Sv)}} bedömningar ({{P(o.Samples == 0 ? 0 : (double)o.Positives / o.Samples)}}) gjorde det; {{o.Crossers.ToString("N0", Sv)}} elever nådde hög frånvaro under perioden.</p>
            """);
        if (caveat is not null)
        {
            sb.Append($"<p class=\"note\">{E(caveat)}</p>\n");
        }

        sb.Append(BudgetSection(budget));
        sb.Append($"""
            <h2>Modellen mot regeln, vid samma antal flaggor</h2>
            <p>Regeln: ”har riskfrånvaro nu” som förutsägelse av hög frånvaro. Modellen: de {o.Rule.Flags.ToString("N0", Sv)} bedömningar med
            högst sannolikhet, lika många som regeln flaggar (sannolikhet från {r.ScoreAtRuleFlagRate.ToString("0.000", Sv)}).
            Nattkörningen: regelns riskfrånvaro plus stigande frånvaro där modellens sannolikhet är minst {P(r.CutOff)}.
            Fångad: flaggad vid sista bedömningen innan eleven nådde hög frånvaro; försprång: hur länge flaggan då hade stått i följd.</p>
            """);
        sb.Append(Table([o], "Grupp"));
        sb.Append($"""
            <p>ROC-AUC bland elever som inte hade någon nivå (de som nattkörningen kan flagga som stigande frånvaro):
            <b>{A(r.ModelAucNotAtLevel)}</b> ({r.NotAtLevelSamples.ToString("N0", Sv)} bedömningar, {r.NotAtLevelPositives.ToString("N0", Sv)} nådde hög frånvaro).
            Vid gränsen {P(r.CutOff)}: {r.TrendAtCutOff.Flags.ToString("N0", Sv)} flaggor för stigande frånvaro, precision {P(r.TrendAtCutOff.Precision)},
            täckning {P(r.TrendAtCutOff.Recall)}.</p>
            <h2>Per kön</h2>
            """);
        sb.Append(Table(r.ByGender, "Kön"));
        sb.Append(Bars(r.ByGender, "Täckning per kön"));
        sb.Append("<h2>Per driftsform</h2>\n");
        sb.Append(Table(r.ByDriftsform, "Driftsform"));
        sb.Append(Bars(r.ByDriftsform, "Täckning per driftsform"));
        if (r.ByTrajectory.Count > 0)
        {
            sb.Append("<h2>Per förlopp (syntetiska data: generatorns facit)</h2>\n");
            sb.Append(Table(r.ByTrajectory, "Förlopp"));
        }

        sb.Append("<h2>ROC-kurva</h2>\n");
        sb.Append(RocSvg(r));
        sb.Append($"""
            <p class="small">Täckning och precision räknas per bedömning (elev och vecka); fångade och försprång per elev. AUC för regeln är
            för en ja/nej-förutsägelse. Inga enskilda elever visas i rapporten. Modellens kod: {E(model.ModelSha256[..12])}….</p>
            </body></html>
            """);
        return sb.ToString();
    }

    /// <summary>The rektor's question: at the rule's alert budget, who was named before lasting absence began, and how early.</summary>
    private static string BudgetSection(AlertBudgetResult b)
    {
        var sb = new StringBuilder($"""
            <h2>Rektorns fråga: vid regelns antal besked, vilka nämns innan frånvaron blir långvarig?</h2>
            <p>Varje skoldag {b.From:yyyy-MM-dd} – {b.To:yyyy-MM-dd} ({b.SchoolDays} skoldagar, {b.Samples.ToString("N0", Sv)} elevdagar,
            {b.SchoolWeeks} skolveckor). Långvarig frånvaro: frånvaron de följande {b.HorizonWeeks} skolveckorna når sammantaget nivåns andel;
            {b.Overall.LastingPupils.ToString("N0", Sv)} elever började ha det under perioden. Regeln nämner elever med riskfrånvaro eller hög
            frånvaro; modellen dem vars sannolikhet når {b.ModelThreshold.ToString("0.000", Sv)} (lika många besked per skolvecka som regeln);
            nattkörningen regeln plus stigande frånvaro från {P(b.TrendCutOff)} (lägger till {P(b.NightlyAddedShare)} besked).
            Nämnd: flaggad den dag den långvariga frånvaron började; försprång: skoldagar som flaggan då hade stått.
            ROC-AUC: modell {A(b.ModelAuc)}, regel {A(b.RuleAuc)}.</p>
            <table><thead><tr><th>Grupp</th><th>Började långvarig</th><th>Besked/skolvecka regel</th><th>modell</th><th>natt</th>
            <th>Nämnda regel</th><th>modell</th><th>natt</th><th>Försprång regel</th><th>modell</th><th>natt</th>
            <th>Precision regel</th><th>modell</th><th>natt</th></tr></thead><tbody>
            """);
        var groups = new[] { b.Overall }.Concat(b.ByGender).Concat(b.ByDriftsform).Concat(b.ByGradeBand).Concat(b.ByTrajectory).ToList();
        foreach (var g in groups)
        {
            sb.Append($"<tr><td>{E(g.Group)}</td><td>{g.LastingPupils.ToString("N0", Sv)}</td>" +
                      $"<td>{g.Rule.EntriesPerSchoolWeek.ToString("0.0", Sv)}</td><td>{g.Model.EntriesPerSchoolWeek.ToString("0.0", Sv)}</td><td>{g.Nightly.EntriesPerSchoolWeek.ToString("0.0", Sv)}</td>" +
                      $"<td>{P(g.Rule.Recall)}</td><td>{P(g.Model.Recall)}</td><td>{P(g.Nightly.Recall)}</td>" +
                      $"<td>{W(g.Rule.MedianLeadDays)}</td><td>{W(g.Model.MedianLeadDays)}</td><td>{W(g.Nightly.MedianLeadDays)}</td>" +
                      $"<td>{P(g.Rule.Precision)}</td><td>{P(g.Model.Precision)}</td><td>{P(g.Nightly.Precision)}</td></tr>\n");
        }

        sb.Append("</tbody></table>\n");
        sb.Append($"""
            <p>Av regelns {b.Overall.Rule.Entries.ToString("N0", Sv)} besked följdes eller föregicks {b.RuleEntriesWithoutLasting.ToString("N0", Sv)}
            inte av långvarig frånvaro inom horisonten; {b.RuleEntriesIllnessOnly.ToString("N0", Sv)} av dem gällde enbart hela dagar med giltig
            frånvaro (sjukdom eller resa).</p>
            """);
        sb.Append(Bars(groups, "Nämnda innan den långvariga frånvaron började"));
        return sb.ToString();
    }

    /// <summary>Two tables per grouping: the samples (AUC, recall, precision), then the pupils who crossed (caught, lead).</summary>
    private static string Table(IReadOnlyList<GroupMetrics> groups, string first)
    {
        var sb = new StringBuilder($"""
            <table><thead><tr><th>{E(first)}</th><th>Bedömningar</th><th>Når hög</th><th>AUC modell</th><th>AUC regel</th>
            <th>Täckning modell</th><th>Täckning regel</th><th>Precision modell</th><th>Precision regel</th></tr></thead><tbody>
            """);
        foreach (var g in groups)
        {
            sb.Append($"<tr><td>{E(g.Group)}</td><td>{g.Samples.ToString("N0", Sv)}</td><td>{g.Positives.ToString("N0", Sv)}</td>" +
                      $"<td>{A(g.ModelAuc)}</td><td>{A(g.RuleAuc)}</td><td>{P(g.Model.Recall)}</td><td>{P(g.Rule.Recall)}</td>" +
                      $"<td>{P(g.Model.Precision)}</td><td>{P(g.Rule.Precision)}</td></tr>\n");
        }

        sb.Append($"""
            </tbody></table>
            <table><thead><tr><th>{E(first)}</th><th>Elever som nådde hög</th><th>Fångade: modell</th><th>regel</th><th>natt</th>
            <th>Försprång, median veckor: modell</th><th>regel</th><th>natt</th><th>Fångade ≥ 2 veckor före: modell</th><th>regel</th><th>natt</th></tr></thead><tbody>
            """);
        foreach (var g in groups)
        {
            sb.Append($"<tr><td>{E(g.Group)}</td><td>{g.Crossers.ToString("N0", Sv)}</td>" +
                      $"<td>{g.Model.Caught.ToString("N0", Sv)}</td><td>{g.Rule.Caught.ToString("N0", Sv)}</td><td>{g.Nightly.Caught.ToString("N0", Sv)}</td>" +
                      $"<td>{W(g.Model.MedianLeadWeeks)}</td><td>{W(g.Rule.MedianLeadWeeks)}</td><td>{W(g.Nightly.MedianLeadWeeks)}</td>" +
                      $"<td>{g.Model.CaughtTwoWeeksAhead}</td><td>{g.Rule.CaughtTwoWeeksAhead}</td><td>{g.Nightly.CaughtTwoWeeksAhead}</td></tr>\n");
        }

        return sb.Append("</tbody></table>\n").ToString();
    }

    /// <summary>Recall of model and rule side by side for each group: a group the model systematically misses shows at once.</summary>
    private static string Bars(IReadOnlyList<GroupMetrics> groups, string title) =>
        Bars(title, groups.Select(g => (g.Group, new[] { ("modell", g.Model.Recall, "#2b6cb0"), ("regel", g.Rule.Recall, "#c05621") })));

    /// <summary>Recall of rule, model and nightly run per group, as bars.</summary>
    private static string Bars(IReadOnlyList<BudgetGroup> groups, string title) =>
        Bars(title, groups.Select(g => (g.Group,
            new[] { ("regel", g.Rule.Recall, "#c05621"), ("modell", g.Model.Recall, "#2b6cb0"), ("natt", g.Nightly.Recall, "#718096") })));

    private static string Bars(string title, IEnumerable<(string Group, (string Label, double Value, string Color)[] Bars)> rows)
    {
        const int barWidth = 300, rowHeight = 24, left = 170;
        var list = rows.ToList();
        var height = list.Sum(r => r.Bars.Length) * rowHeight + 40;
        var sb = new StringBuilder($"""<svg xmlns="http://www.w3.org/2000/svg" width="{left + barWidth + 90}" height="{height}" role="img" aria-label="{E(title)}">""");
        sb.Append($"""<text x="0" y="14" font-size="13" font-weight="bold">{E(title)}</text>""");
        var y = 26;
        foreach (var (group, bars) in list)
        {
            foreach (var (label, value, color) in bars)
            {
                var w = (int)Math.Round(barWidth * value);
                sb.Append(CultureInfo.InvariantCulture, $"""<text x="0" y="{y + 15}" font-size="12">{E(group)} – {label}</text>""");
                sb.Append(CultureInfo.InvariantCulture, $"""<rect x="{left}" y="{y + 3}" width="{w}" height="{rowHeight - 8}" fill="{color}"/>""");
                sb.Append(CultureInfo.InvariantCulture, $"""<text x="{left + w + 6}" y="{y + 15}" font-size="12">{P(value)}</text>""");
                y += rowHeight;
            }
        }

        return sb.Append("</svg>\n").ToString();
    }

    private static string RocSvg(TrendEvaluationResult r)
    {
        const int size = 260, pad = 30;
        var points = string.Join(' ', r.Roc.Select(p =>
            string.Create(CultureInfo.InvariantCulture, $"{pad + p.FalsePositiveRate * size:0.0},{pad + size - p.TruePositiveRate * size:0.0}")));
        var rule = r.Overall;
        var ruleFpr = rule.Samples - rule.Positives == 0 ? 0
            : (rule.Rule.Flags - rule.Rule.Precision * rule.Rule.Flags) / (rule.Samples - rule.Positives);
        var sb = new StringBuilder($"""<svg xmlns="http://www.w3.org/2000/svg" width="{size + 2 * pad + 120}" height="{size + 2 * pad}" role="img" aria-label="ROC-kurva">""");
        sb.Append(CultureInfo.InvariantCulture, $"""<rect x="{pad}" y="{pad}" width="{size}" height="{size}" fill="none" stroke="#999"/>""");
        sb.Append(CultureInfo.InvariantCulture, $"""<line x1="{pad}" y1="{pad + size}" x2="{pad + size}" y2="{pad}" stroke="#ccc" stroke-dasharray="4"/>""");
        sb.Append($"""<polyline points="{points}" fill="none" stroke="#2b6cb0" stroke-width="2"/>""");
        sb.Append(CultureInfo.InvariantCulture,
            $"""<circle cx="{pad + ruleFpr * size:0.0}" cy="{pad + size - rule.Rule.Recall * size:0.0}" r="5" fill="#c05621"/>""");
        sb.Append(CultureInfo.InvariantCulture, $"""<text x="{pad + size + 8}" y="{pad + 20}" font-size="12" fill="#2b6cb0">modell</text>""");
        sb.Append(CultureInfo.InvariantCulture, $"""<text x="{pad + size + 8}" y="{pad + 38}" font-size="12" fill="#c05621">regel (riskfrånvaro)</text>""");
        sb.Append(CultureInfo.InvariantCulture, $"""<text x="{pad}" y="{pad + size + 22}" font-size="11">andel falsklarm →</text>""");
        sb.Append(CultureInfo.InvariantCulture, $"""<text x="2" y="{pad - 8}" font-size="11">↑ täckning</text>""");
        return sb.Append("</svg>\n").ToString();
    }

    private static string P(double share) => (share * 100).ToString("0.0", Sv) + " %";

    private static string A(double? auc) => auc is { } a ? a.ToString("0.000", Sv) : "–";

    private static string W(double? weeks) => weeks is { } w ? w.ToString("0.0", Sv) : "–";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
