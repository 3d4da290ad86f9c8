namespace Skolnarvaro.Insights.Reporting;

/// <summary>
/// One row of the report's tables: the municipality, a driftsform, a school or a grade. A pupil counts once per school
/// they had scheduled time at in the term, so the schools add up to their driftsform and the driftsforms to the total.
/// </summary>
public sealed record ReportGroup(GroupKind Kind, string Name, string? Skolenhetskod = null, string? Driftsform = null, int? Grade = null);
