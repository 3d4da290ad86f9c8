namespace Skolnarvaro.Insights.Reporting;

/// <summary>
/// Small-group protection for the report's cells, so no pupil can be singled out in a report that leaves the office.
/// <list type="number">
/// <item>Primary: every cell of a group and gender with fewer than MinGroupSize pupils (but not none), and every count of
/// 1 to MinGroupSize − 1 pupils.</item>
/// <item>Complementary: counts add up — girls + boys = all; the schools of a driftsform = the driftsform; the driftsforms
/// = the municipality; the grades = the municipality; and within a group, the splits of <see cref="Measures.Splits"/> (the
/// pupils followed after their alert = those with an investigation + those without). Where a sum and all but one of its parts are shown, the hidden part
/// could be had by subtraction, so the smallest shown part (or, failing one, the sum) is hidden too, until no sum has
/// exactly one hidden part and no hidden sum has all its parts shown.</item>
/// <item>Percents and medians follow the counts they are computed from: hidden when any of them is, or when their
/// denominator is below MinGroupSize.</item>
/// </list>
/// This closes subtraction within each sum. It does not solve the general problem of combining several sums at once
/// (as statistics offices' tools do with linear programming); with the nesting used here (schools in driftsforms, grades
/// beside them) that would take several small cells in one school and grade, which the grade rows' own suppression
/// mostly covers.
/// </summary>
public static class CellSuppression
{
    /// <summary>Sets <c>Suppressed</c> on the cells that must not be shown. Counts are integers in <c>Value</c>.</summary>
    public static void Apply(
        Dictionary<(int Group, GenderColumn Gender, string Measure), Cell> cells, IReadOnlyList<ReportGroup> groups,
        IReadOnlyList<Measure> measures, int minGroupSize)
    {
        var counts = measures.Where(m => m.Unit == MeasureUnit.Count).Select(m => m.Key).ToList();
        bool Small(Cell c) => c.Value is > 0 && c.Value < minGroupSize;
        void Hide((int, GenderColumn, string) key) => cells[key] = cells[key] with { Suppressed = true };

        // Primary.
        foreach (var (key, cell) in cells.ToList())
        {
            var pupils = cells[(key.Group, key.Gender, Measures.Pupils)];
            if (Small(pupils) || (counts.Contains(key.Measure) && Small(cell)))
            {
                Hide(key);
            }
        }

        // Complementary, over every sum the tables publish.
        var sums = Sums(groups, counts).ToList();
        bool changed;
        do
        {
            changed = false;
            foreach (var (total, parts) in sums)
            {
                var hiddenParts = parts.Count(p => cells[p].Suppressed);
                var totalHidden = cells[total].Suppressed;
                if ((!totalHidden && hiddenParts == 1) || (totalHidden && hiddenParts == 0 && parts.Any(p => cells[p].Value is > 0)))
                {
                    var shown = parts.Where(p => !cells[p].Suppressed).OrderBy(p => cells[p].Value is > 0 ? 0 : 1).ThenBy(p => cells[p].Value ?? 0).ToList();
                    if (shown.Count > 0 && cells[shown[0]].Value is > 0)
                    {
                        Hide(shown[0]);
                    }
                    else if (!totalHidden)
                    {
                        Hide(total);
                    }
                    else
                    {
                        continue;
                    }

                    changed = true;
                }
            }
        }
        while (changed);

        // Percents and medians follow their counts.
        foreach (var m in measures.Where(m => m.Unit != MeasureUnit.Count))
        {
            for (var g = 0; g < groups.Count; g++)
            {
                foreach (var gender in Enum.GetValues<GenderColumn>())
                {
                    var key = (g, gender, m.Key);
                    var denominator = cells[(g, gender, m.Bases[0])];
                    if (!cells[key].Suppressed && (Small(denominator) || m.Bases.Any(b => cells[(g, gender, b)].Suppressed)))
                    {
                        Hide(key);
                    }
                }
            }
        }
    }

    /// <summary>Every published sum of counts: (the total's cell, its parts' cells).</summary>
    private static IEnumerable<((int, GenderColumn, string) Total, List<(int, GenderColumn, string)> Parts)> Sums(
        IReadOnlyList<ReportGroup> groups, IReadOnlyList<string> counts)
    {
        var indexed = groups.Select((g, i) => (g, i)).ToList();
        var municipality = indexed.Single(x => x.g.Kind == GroupKind.Municipality).i;
        var driftsforms = indexed.Where(x => x.g.Kind == GroupKind.Driftsform).ToList();
        var grades = indexed.Where(x => x.g.Kind == GroupKind.Grade).Select(x => x.i).ToList();
        foreach (var m in counts)
        {
            foreach (var (_, i) in indexed)
            {
                yield return ((i, GenderColumn.All, m), [(i, GenderColumn.Girls, m), (i, GenderColumn.Boys, m)]);
                foreach (var (total, parts) in Measures.Splits.Where(s => s.Total == m && s.Parts.All(counts.Contains)))
                {
                    foreach (var gender in Enum.GetValues<GenderColumn>())
                    {
                        yield return ((i, gender, total), [.. parts.Select(p => (i, gender, p))]);
                    }
                }
            }

            foreach (var gender in Enum.GetValues<GenderColumn>())
            {
                yield return ((municipality, gender, m), driftsforms.Select(d => (d.i, gender, m)).ToList());
                foreach (var (d, di) in driftsforms)
                {
                    yield return ((di, gender, m), indexed.Where(x => x.g.Kind == GroupKind.School && x.g.Driftsform == d.Driftsform)
                        .Select(x => (x.i, gender, m)).ToList());
                }

                if (grades.Count > 0)
                {
                    yield return ((municipality, gender, m), grades.Select(g => (g, gender, m)).ToList());
                }
            }
        }
    }
}
