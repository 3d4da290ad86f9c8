using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Insights.Reporting;

/// <summary>Everything the term report shows, with suppression already applied: the HTML and the CSV both render this.</summary>
public sealed record TermReport(
    Term Term, DateOnly From, DateOnly To, int MinGroupSize, int ExpectedWithinSchoolDays,
    IReadOnlyList<ReportGroup> Groups, IReadOnlyList<Measure> Measures, IReadOnlyDictionary<(int Group, GenderColumn Gender, string Measure), Cell> Cells,
    IReadOnlyList<ReportWeek> Weeks, IReadOnlyList<SchoolTerm> Schools)
{
    public Cell this[int group, GenderColumn gender, string measure] => Cells[(group, gender, measure)];

    public Cell this[ReportGroup group, GenderColumn gender, string measure] => Cells[(IndexOf(group), gender, measure)];

    public int IndexOf(ReportGroup group) => Groups.ToList().IndexOf(group);

    public int SuppressedCells => Cells.Values.Count(c => c.Suppressed);
}
