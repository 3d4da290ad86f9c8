namespace Skolnarvaro.Insights.Reporting;

/// <summary>The three columns every figure has: girls, boys and everyone (pupil.gender F and M).</summary>
public enum GenderColumn { Girls, Boys, All }
