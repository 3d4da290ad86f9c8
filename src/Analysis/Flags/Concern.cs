using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Flags;

/// <summary>
/// How much a flagged pupil should worry the rektor, in one place: the digest's order, its cap and the rektor's page all
/// rest on it. Level first; within a level a finished illness spell comes last; then the score.
/// </summary>
public static class Concern
{
    /// <summary>
    /// Higher is more worrying: the recent share, ogiltig frånvaro counted again, a whole-day spell still going on, a rise
    /// against the term, news over reminders, and the trend model's probability where a model scores.
    /// </summary>
    public static double Score(PupilFigures f, bool lateCounts, bool isNews, float? trendProbability)
    {
        var recent = f.Recent.AbsenceShare(lateCounts);
        var term = f.Term.AbsenceShare(lateCounts);
        return recent
               + 0.5 * f.Recent.UnexcusedShare
               + 0.02 * Math.Min(f.CurrentSpellDays, 10)
               + 0.5 * Math.Max(0, recent - term)
               + (isNews ? 0.05 : 0)
               + 0.3 * (trendProbability ?? 0);
    }

    /// <summary>Orders pupils by concern: the most serious level first, a finished illness spell last in its level, then the score.</summary>
    public static IOrderedEnumerable<T> Order<T>(IEnumerable<T> pupils, Func<T, Level> level, Func<T, bool> finishedIllness, Func<T, double> score) =>
        pupils.OrderByDescending(level).ThenBy(finishedIllness).ThenByDescending(score);
}
