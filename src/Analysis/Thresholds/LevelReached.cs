using Skolnarvaro.Analysis.Figures;

namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>
/// When a pupil's absence reached their level, from the facts: the first school day of the unbroken run, up to the date,
/// on which the rules put the pupil at that level or above. A digest's "sedan" is then the day the absence got there, not
/// the night the pipeline first ran or first looked.
/// </summary>
public static class LevelReached
{
    /// <summary>How far back the run is followed; a pupil at the level longer than this is "sedan" the earliest day looked at.</summary>
    public const int MaxSchoolDaysBack = 60;

    /// <param name="days">The pupil's facts at the school, ordered by date (later days than a replayed date are ignored by the figures).</param>
    public static DateOnly? On(
        byte[] key, string school, ReadOnlySpan<DayFact> days, Level level, EffectiveThresholds t, FigureSettings settings, DateOnly asOf, DateOnly termStart)
    {
        DateOnly? reached = null;
        var looked = 0;
        for (var i = days.Length - 1; i >= 0 && looked < MaxSchoolDaysBack; i--)
        {
            var day = days[i];
            if (day.Date > asOf || day.Scheduled <= 0)
            {
                continue;
            }

            if (day.Date < termStart || RuleEvaluator.LevelOf(PupilFigures.Compute(key, school, days[..(i + 1)], day.Date, settings, termStart), t) is not { } l || l < level)
            {
                break;
            }

            reached = day.Date;
            looked++;
        }

        return reached;
    }
}
