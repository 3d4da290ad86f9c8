namespace Skolnarvaro.Insights.Reporting;

/// <summary>
/// The municipality's absence in one ISO week, from day and lesson exports only (a summary export spreads a period's total
/// evenly over its days, lov included, so it would show absence in a week no one was at school). <see cref="Lov"/>: no school
/// had a school day that week; <see cref="SummaryPupils"/>: pupils whose school sends summaries, left out of the week's shares.
/// </summary>
public sealed record ReportWeek(int IsoYear, int IsoWeek, DateOnly FirstDay, DateOnly LastDay, int Pupils, double? ExcusedShare, double? UnexcusedShare, bool Suppressed)
{
    public bool Lov { get; init; }
    public int SummaryPupils { get; init; }
}
