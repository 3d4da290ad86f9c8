namespace Skolnarvaro.Analysis.Figures;

/// <summary>One pupil's day at one school, as the facts table holds it.</summary>
public readonly record struct DayFact(DateOnly Date, int Scheduled, int Excused, int Unexcused, int Late, int NotReported)
{
    public int Registered => Scheduled - NotReported;
    /// <summary>Giltig + ogiltig frånvaro. Late arrival is its own thing here; whether it counts as absence is a rule setting.</summary>
    public int Absent => Excused + Unexcused;
    public bool IsWholeDayAbsent => Registered > 0 && Absent >= Registered;
    public bool IsPartDayAbsent => Registered > 0 && Absent > 0 && Absent < Registered;
}

/// <summary>Absence over a window of school days with scheduled time.</summary>
public sealed record WindowFigures(
    int Days, DateOnly? From, DateOnly? To,
    int RegisteredMinutes, int ExcusedMinutes, int UnexcusedMinutes, int LateMinutes,
    int AbsenceDays, int WholeDays, int PartDays, int LateDays)
{
    public double AbsenceShare(bool lateCounts) =>
        RegisteredMinutes == 0 ? 0 : (double)(ExcusedMinutes + UnexcusedMinutes + (lateCounts ? LateMinutes : 0)) / RegisteredMinutes;

    public double ExcusedShare => RegisteredMinutes == 0 ? 0 : (double)ExcusedMinutes / RegisteredMinutes;
    public double UnexcusedShare => RegisteredMinutes == 0 ? 0 : (double)UnexcusedMinutes / RegisteredMinutes;
    public double LateShare => RegisteredMinutes == 0 ? 0 : (double)LateMinutes / RegisteredMinutes;
}

/// <summary>
/// The weekday a pupil is most often absent on, over its last <see cref="Occurrences"/> school days (those with registered
/// time), and the same count for the other weekdays over their own last occurrences, for comparison.
/// </summary>
public sealed record WeekdayFigures(DayOfWeek Day, int AbsentDays, int HalfDayOrMore, int Occurrences, int OtherAbsentDays, int OtherOccurrences)
{
    public double Rate => Occurrences == 0 ? 0 : (double)AbsentDays / Occurrences;
    public double OtherRate => OtherOccurrences == 0 ? 0 : (double)OtherAbsentDays / OtherOccurrences;
}

/// <summary>How figures are computed: the recent window and how far back the weekday count looks.</summary>
public readonly record struct FigureSettings(int RecentWindowDays, int WeekdayWeeks = 5);

/// <summary>Everything the rules and the descriptions need to know about one pupil at one school on one date.</summary>
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
    /// <summary>The pupil's last day with any fact at the school, up to the date: after a move it stops advancing.</summary>
    public DateOnly? LastDate { get; init; }
    public WeekdayFigures? Weekday { get; init; }

    public static PupilFigures Compute(byte[] pupilKey, string school, IReadOnlyList<DayFact> days, DateOnly asOf, int recentWindowDays) =>
        Compute(pupilKey, school, days is DayFact[] a ? a : days.ToArray(), asOf, new FigureSettings(recentWindowDays));

    /// <summary>
    /// Computes the figures from a pupil's facts at one school, ordered by date (later days are ignored), as of
    /// <paramref name="asOf"/>. Only days with scheduled time count, so holidays never dilute a window. Days before
    /// <paramref name="termStart"/> (the previous term's last school days) count in the recent window, spells and weekdays
    /// but not in the term window; by default every day given is the term's. One pass forward and one short pass back,
    /// no allocation per day: the back-test calls this for every pupil and school day.
    /// </summary>
    public static PupilFigures Compute(
        byte[] pupilKey, string school, ReadOnlySpan<DayFact> days, DateOnly asOf, FigureSettings settings, DateOnly termStart = default)
    {
        var end = days.Length;
        while (end > 0 && days[end - 1].Date > asOf)
        {
            end--;
        }

        days = days[..end];
        var recentStart = days.Length;
        for (int i = days.Length - 1, n = 0; i >= 0 && n < settings.RecentWindowDays; i--)
        {
            if (days[i].Scheduled > 0)
            {
                recentStart = i;
                n++;
            }
        }

        var term = new WindowAccumulator();
        var recent = new WindowAccumulator();
        int longest = 0, run = 0;
        DateOnly? longestStart = null, runStart = null;
        for (var i = 0; i < days.Length; i++)
        {
            var d = days[i];
            if (d.Scheduled <= 0)
            {
                continue;
            }

            if (d.Date >= termStart)
            {
                term.Add(d);
            }

            if (i >= recentStart)
            {
                recent.Add(d);
            }

            // A day absent the whole (registered) day; unregistered days break no spell and extend none.
            if (d.IsWholeDayAbsent)
            {
                runStart = run == 0 ? d.Date : runStart;
                run++;
                // Only spells that reach into the recent window count: an old spell is history, not a signal.
                if (run > longest && i >= recentStart)
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

        return new PupilFigures(pupilKey, school, asOf, term.Days, recent.ToFigures(), term.ToFigures(), longest, longestStart, run)
        {
            LastDate = days.Length > 0 ? days[^1].Date : null,
            Weekday = settings.WeekdayWeeks > 0 ? MostAbsentWeekday(days, settings.WeekdayWeeks) : null,
        };
    }

    /// <summary>Looks back over the last <paramref name="weeks"/> registered occurrences of each weekday.</summary>
    private static WeekdayFigures? MostAbsentWeekday(ReadOnlySpan<DayFact> days, int weeks)
    {
        Span<int> seen = stackalloc int[7];
        Span<int> absent = stackalloc int[7];
        Span<int> half = stackalloc int[7];
        for (var i = days.Length - 1; i >= 0; i--)
        {
            var d = days[i];
            var w = (int)d.Date.DayOfWeek;
            if (d.Scheduled <= 0 || d.Registered <= 0 || seen[w] >= weeks)
            {
                continue;
            }

            seen[w]++;
            if (d.Absent > 0)
            {
                absent[w]++;
                if (2 * d.Absent >= d.Registered)
                {
                    half[w]++;
                }
            }
        }

        var best = -1;
        for (var w = 0; w < 7; w++)
        {
            if (absent[w] > 0 && (best < 0 || absent[w] > absent[best] || (absent[w] == absent[best] && seen[w] < seen[best])))
            {
                best = w;
            }
        }

        if (best < 0)
        {
            return null;
        }

        int otherAbsent = 0, otherSeen = 0;
        for (var w = 0; w < 7; w++)
        {
            if (w != best)
            {
                otherAbsent += absent[w];
                otherSeen += seen[w];
            }
        }

        return new WeekdayFigures((DayOfWeek)best, absent[best], half[best], seen[best], otherAbsent, otherSeen);
    }

    private struct WindowAccumulator
    {
        public int Days;
        private DateOnly? _from, _to;
        private int _registered, _excused, _unexcused, _late, _absenceDays, _wholeDays, _partDays, _lateDays;

        public void Add(in DayFact d)
        {
            Days++;
            _from ??= d.Date;
            _to = d.Date;
            _registered += d.Registered;
            _excused += d.Excused;
            _unexcused += d.Unexcused;
            _late += d.Late;
            _absenceDays += d.Absent > 0 ? 1 : 0;
            _wholeDays += d.IsWholeDayAbsent ? 1 : 0;
            _partDays += d.IsPartDayAbsent ? 1 : 0;
            _lateDays += d.Late > 0 ? 1 : 0;
        }

        public readonly WindowFigures ToFigures() =>
            new(Days, _from, _to, _registered, _excused, _unexcused, _late, _absenceDays, _wholeDays, _partDays, _lateDays);
    }
}
