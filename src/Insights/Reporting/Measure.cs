namespace Skolnarvaro.Insights.Reporting;

/// <summary>
/// A figure of the report. A count counts pupils; a percent is computed from pupils, and <see cref="Bases"/> names the
/// counts it rests on (the first is its denominator): it is suppressed whenever one of them is.
/// </summary>
public sealed record Measure(string Key, string Label, MeasureUnit Unit, params string[] Bases);
