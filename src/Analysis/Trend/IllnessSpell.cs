namespace Skolnarvaro.Analysis.Trend;

/// <summary>
/// Whether a pupil's recent absence looks like an illness (or a trip) rather than a drift away from school: it fell mostly
/// on whole days of giltig frånvaro. The rules flag such a spell as readily as a drift; the digest names a finished one
/// as such and puts it last.
/// </summary>
public static class IllnessSpell
{
    /// <summary>Share of the last 20 days' absence on whole days of giltig frånvaro from which it counts as a spell.</summary>
    public const double WholeDayShare = 0.7;

    /// <summary>School days back at school after the spell before it counts as finished.</summary>
    public const int DaysBack = 2;

    /// <summary>Most of the last 20 days' absence was whole days of giltig frånvaro.</summary>
    public static bool Dominates(TrendFeatures f) => f.Last20.Absent > 0 && f.WholeDayExcusedPartOfAbsence20 >= WholeDayShare;

    /// <summary>A spell that dominates the recent absence, and the pupil has been back for <see cref="DaysBack"/> school days since.</summary>
    public static bool IsFinished(TrendFeatures f) => Dominates(f) && f.DaysBackSinceSpell >= DaysBack;
}
