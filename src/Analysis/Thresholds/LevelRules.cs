namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>
/// A level is reached when any of its rules holds. A rule left out is not used; in an override, a rule left out keeps
/// the value from the level above and 0 switches it off.
/// </summary>
public sealed class LevelRules
{
    /// <summary>Absence (giltig + ogiltig, and sen ankomst when it counts) as a share of registered scheduled time: 0.10 = 10 %.</summary>
    public double? AbsenceShare { get; set; }
    /// <summary>The window <see cref="AbsenceShare"/> looks at: the recent window, the term to date, or either (default).</summary>
    public ShareWindow? AbsenceShareWindow { get; set; }
    /// <summary>Unexcused (ogiltig) minutes in <see cref="UnexcusedWindow"/>.</summary>
    public int? UnexcusedMinutes { get; set; }
    /// <summary>The window <see cref="UnexcusedMinutes"/> looks at: Recent (default) or Term.</summary>
    public Window? UnexcusedWindow { get; set; }
    /// <summary>School days in a row absent the whole day (sammanhängande frånvaro), reaching into the recent window.</summary>
    public int? ConsecutiveDaysAbsent { get; set; }
    /// <summary>School days with a late arrival (sen ankomst) in the recent window.</summary>
    public int? LateArrivals { get; set; }

    internal void Validate(List<string> errors, string key)
    {
        if (AbsenceShare is { } s && (double.IsNaN(s) || s < 0 || s > 1))
        {
            errors.Add($"{key}:AbsenceShare = {ThresholdOptions.Format(s)}: expected a share between 0 and 1, such as 0.10 for 10 % (0 switches the rule off).");
        }

        if (UnexcusedMinutes is < 0)
        {
            errors.Add($"{key}:UnexcusedMinutes = {UnexcusedMinutes}: must be 0 (off) or more.");
        }

        if (ConsecutiveDaysAbsent is < 0)
        {
            errors.Add($"{key}:ConsecutiveDaysAbsent = {ConsecutiveDaysAbsent}: must be 0 (off) or more.");
        }

        if (LateArrivals is < 0)
        {
            errors.Add($"{key}:LateArrivals = {LateArrivals}: must be 0 (off) or more.");
        }
    }
}
