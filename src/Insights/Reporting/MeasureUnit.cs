namespace Skolnarvaro.Insights.Reporting;

/// <summary>A count of pupils, a share (0–1, shown as a percent), or a number of school days (a median).</summary>
public enum MeasureUnit { Count, Percent, SchoolDays }
