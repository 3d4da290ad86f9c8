namespace Skolnarvaro.Insights.Reporting;

/// <summary>The kinds of rows in the report's tables, in the order they come.</summary>
public enum GroupKind { Municipality, Driftsform, School, Grade }
