namespace Skolnarvaro.Insights.Reporting;

/// <summary>A figure for one group and gender: null when there is nothing to compute it from (no pupils).</summary>
public readonly record struct Cell(double? Value, bool Suppressed)
{
    public bool Shown => !Suppressed && Value is not null;
}
