namespace Skolnarvaro.Analysis.Figures;

/// <summary>One pupil's day at one school, as the facts table holds it.</summary>
public readonly record struct DayFact(DateOnly Date, int Scheduled, int Excused, int Unexcused, int Late, int NotReported)
{
    public int Registered => Scheduled - NotReported;
}

/// <summary>Absence over a window of school days with scheduled time.</summary>
public sealed record WindowFigures(int Days, DateOnly? From, DateOnly? To, int RegisteredMinutes, int ExcusedMinutes, int UnexcusedMinutes, int LateMinutes)
{
    public double AbsenceShare(bool lateCounts) =>
        RegisteredMinutes == 0 ? 0 : (double)(ExcusedMinutes + UnexcusedMinutes + (lateCounts ? LateMinutes : 0)) / RegisteredMinutes;

    public double UnexcusedShare => RegisteredMinutes == 0 ? 0 : (double)UnexcusedMinutes / RegisteredMinutes;
}

/// <summary>Everything the rules and the digest need to know about one pupil on one date.</summary>
public sealed record PupilFigures(
    byte[] PupilKey,
    string Skolenhetskod,
    DateOnly AsOf,
    int ScheduledDays,
    WindowFigures Recent,
    WindowFigures Term,
    int LongestSpellDays,
    DateOnly? LongestSpellStart,
    int CurrentSpellDays)
{
    /// <summary>
    /// Computes the figures from a pupil's facts at one school, ordered by date, up to <paramref name="asOf"/>.
    /// Only days with scheduled time count, so holidays never dilute a window.
    /// </summary>
    public static PupilFigures Compute(byte[] pupilKey, string school, IReadOnlyList<DayFact> days, DateOnly asOf, int recentWindowDays)
    {
        var scheduled = days.Where(d => d.Scheduled > 0 && d.Date <= asOf).ToList();
        var recent = scheduled.Skip(Math.Max(0, scheduled.Count - recentWindowDays)).ToList();

        int longest = 0, run = 0;
        DateOnly? longestStart = null, runStart = null;
        var recentFrom = recent.Count > 0 ? recent[0].Date : DateOnly.MaxValue;
        foreach (var d in scheduled)
        {
            // A day absent the whole (registered) day; unregistered days break no spell and extend none.
            if (d.Registered > 0 && d.Excused + d.Unexcused >= d.Registered)
            {
                runStart = run == 0 ? d.Date : runStart;
                run++;
                // Only spells that reach into the recent window count: an old spell is history, not a signal.
                if (run > longest && d.Date >= recentFrom)
                {
                    longest = run;
                    longestStart = runStart;
                }
            }
            else if (d.Registered > 0)
            {
                run = 0;
            }
        }

        return new PupilFigures(pupilKey, school, asOf, scheduled.Count, Window(recent), Window(scheduled), longest, longestStart, run);
    }

    private static WindowFigures Window(List<DayFact> days) => new(
        days.Count,
        days.Count > 0 ? days[0].Date : null,
        days.Count > 0 ? days[^1].Date : null,
        days.Sum(d => d.Registered),
        days.Sum(d => d.Excused),
        days.Sum(d => d.Unexcused),
        days.Sum(d => d.Late));
}
