namespace Skolnarvaro.Analysis.Thresholds;

public enum Level { Trend = 1, AtRisk = 2, High = 3 }

/// <summary>
/// The locally agreed absence thresholds (Skolnarvaro:Thresholds). There is no national threshold; the defaults
/// follow common Swedish practice: riskfrånvaro from 10 %, hög frånvaro from 20 % or 5 consecutive days.
/// </summary>
public sealed class ThresholdOptions
{
    public const string Section = "Skolnarvaro:Thresholds";

    /// <summary>Days with scheduled time a pupil needs in the term before any flag.</summary>
    public int MinimumScheduledDays { get; set; } = 10;
    /// <summary>The short window, in school days with scheduled time.</summary>
    public int RecentWindowDays { get; set; } = 20;
    /// <summary>Whether late arrival (sen ankomst) minutes count as absence. Systems differ.</summary>
    public bool LateCountsAsAbsence { get; set; }
    public LevelRules AtRisk { get; set; } = new() { AbsenceShare = 0.10 };
    public LevelRules High { get; set; } = new() { AbsenceShare = 0.20, ConsecutiveDaysAbsent = 5 };

    /// <summary>Messages naming each bad key and value; empty when the options are usable.</summary>
    public IEnumerable<string> Validate()
    {
        if (MinimumScheduledDays < 0)
        {
            yield return $"{Section}:MinimumScheduledDays = {MinimumScheduledDays}: must be 0 or more.";
        }

        if (RecentWindowDays < 1)
        {
            yield return $"{Section}:RecentWindowDays = {RecentWindowDays}: a window must be at least 1 school day.";
        }

        foreach (var e in AtRisk.Validate($"{Section}:AtRisk").Concat(High.Validate($"{Section}:High")))
        {
            yield return e;
        }

        if (AtRisk.AbsenceShare is { } a && High.AbsenceShare is { } h && h < a)
        {
            yield return $"{Section}:High:AbsenceShare = {h}: below {Section}:AtRisk:AbsenceShare = {a}; hög frånvaro must not be a lower bar than riskfrånvaro.";
        }
    }
}

/// <summary>A level is reached when any of its rules holds. A rule left empty is not used.</summary>
public sealed class LevelRules
{
    /// <summary>Absence (giltig + ogiltig) as a share of registered scheduled time, in the recent window or the term to date: 0.10 = 10 %.</summary>
    public double? AbsenceShare { get; set; }
    /// <summary>School days in a row absent the whole day (sammanhängande frånvaro), ending in the recent window.</summary>
    public int? ConsecutiveDaysAbsent { get; set; }
    /// <summary>Unexcused (ogiltig) minutes in the recent window.</summary>
    public int? UnexcusedMinutes { get; set; }

    public IEnumerable<string> Validate(string key)
    {
        if (AbsenceShare is { } s && (s <= 0 || s > 1))
        {
            yield return $"{key}:AbsenceShare = {s}: expected a share between 0 and 1, such as 0.10 for 10 %.";
        }

        if (ConsecutiveDaysAbsent is < 1)
        {
            yield return $"{key}:ConsecutiveDaysAbsent = {ConsecutiveDaysAbsent}: must be at least 1.";
        }

        if (UnexcusedMinutes is < 1)
        {
            yield return $"{key}:UnexcusedMinutes = {UnexcusedMinutes}: must be at least 1.";
        }

        if (AbsenceShare is null && ConsecutiveDaysAbsent is null && UnexcusedMinutes is null)
        {
            yield return $"{key}: has no rule; set at least one of AbsenceShare, ConsecutiveDaysAbsent, UnexcusedMinutes.";
        }
    }
}
