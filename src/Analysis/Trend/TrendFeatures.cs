using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Trend;

/// <summary>
/// A pupil's trajectory at one school on one date, as numbers the trend model reads and the facts its descriptions quote.
/// The one code path for training, evaluation and nightly scoring: <see cref="Compute"/> looks only at facts dated on or
/// before the date, so a feature can never see the future it is asked to predict.
/// Windows count school days with scheduled time in the current term, like the threshold rules; the previous term is
/// read only for the pupil's own earlier level. Gender and driftsform are deliberately absent: they are for the fairness
/// breakdown, not for the score.
/// </summary>
public sealed record TrendFeatures(
    DateOnly AsOf,
    int TermDays,
    Share Last5, Share Last10, Share Prior10, Share Last20, Share Term,
    double Slope20,
    int UnexcusedMinutes20,
    double UnexcusedPartOfAbsence,
    int AbsenceDays20, int PartDays20,
    int WholeDaySpells40, int LongestSpell40,
    int CurrentSpell,
    WeekdayFigures? Weekday,
    double WeekdayConcentration,
    int LateDays20, int LateMinutes20,
    Share? PreviousTerm,
    int Grade,
    int DaysSinceLastAbsence)
{
    /// <summary>The last 40 scheduled days of the term (the drift's longer window).</summary>
    public Share Last40 { get; init; }
    /// <summary>Least-squares slope of the daily share over the last 10 days, per school week.</summary>
    public double Slope10 { get; init; }
    /// <summary>Part-day absences in the last 10 days minus in the 10 before: ströfrånvaro growing.</summary>
    public int PartDaysChange10 { get; init; }
    /// <summary>Days with sen ankomst in the last 10 days minus in the 10 before.</summary>
    public int LateDaysChange10 { get; init; }
    /// <summary>Of the absence in the last 20 days, the part on whole days of giltig frånvaro: illness and trips look like this, a drift rarely does.</summary>
    public double WholeDayExcusedPartOfAbsence20 { get; init; }
    /// <summary>Scheduled days the pupil has been back since the last whole-day spell of the last 40 days ended (0 while in one, -1 with none).</summary>
    public int DaysBackSinceSpell { get; init; }
    /// <summary>The pupil's share over the six school weeks after the same date a year earlier, at this school (-1: not here then).</summary>
    public double ShareYearAgoNext6Weeks { get; init; } = -1;
    /// <summary>Least-squares slope of the daily share over the last 40 days of the term, per school week: a slow climb.</summary>
    public double Slope40 { get; init; }
    /// <summary>The last 40 scheduled days whatever the term: a drift does not stop at the term's end, the term's windows do.</summary>
    public Share Last40AcrossTerms { get; init; }
    /// <summary>The last 20 scheduled days of the previous term: how the pupil ended it, not only its average.</summary>
    public Share? PreviousTermEnd { get; init; }
    /// <summary>Absence in the last 20 days that was not on whole days of giltig frånvaro (part days, ogiltig, single days), over registered time.</summary>
    public double BeyondIllness20 { get; init; }
    /// <summary>The same over the last 10 days minus over the 10 before: the absence an illness does not explain, growing.</summary>
    public double BeyondIllnessChange10 { get; init; }
    /// <summary>The daily share smoothed with a half-life of 10 scheduled days, across terms.</summary>
    public double Smoothed { get; init; }
    /// <summary>Of the last six school weeks (across terms), how many had more absence than the week before.</summary>
    public int RisingWeeks { get; init; }


    /// <summary>The vector's length; a constant so the ML.NET row type can declare it.</summary>
    public const int Count = 38;

    /// <summary>The names of the vector's entries, in order; stored with every model so a model never scores another layout.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "share_5d", "share_10d", "share_prior_10d", "share_20d", "share_term",
        "slope_20d_per_week", "unexcused_share_20d", "unexcused_part_of_absence_term",
        "absence_days_20d", "part_days_20d", "whole_day_spells_40d", "longest_spell_40d", "current_spell",
        "weekday_concentration_25d", "late_days_20d", "late_share_20d",
        "previous_term_share", "change_vs_previous_term", "grade", "term_days", "days_since_last_absence",
        "share_40d", "slope_10d_per_week", "part_days_change_10d", "unexcused_share_change_10d", "late_days_change_10d",
        "whole_day_excused_part_of_absence_20d", "days_back_since_spell_40d", "share_year_ago_next_6w",
        "excused_share_20d",
        "slope_40d_per_week", "share_40d_across_terms", "previous_term_last_20d", "beyond_illness_share_20d",
        "beyond_illness_change_10d", "share_smoothed_10d_half_life", "rising_weeks_of_6", "change_vs_previous_term_end",
    ];

    private const int RecentDays = 20;
    private const int SpellWindowDays = 40;
    private const int WeekdayWeeks = 5;
    private const int RecencyCap = 60;

    public float[] ToVector() =>
    [
        (float)Last5.Value, (float)Last10.Value, (float)Prior10.Value, (float)Last20.Value, (float)Term.Value,
        (float)Slope20, (float)Last20.UnexcusedValue, (float)UnexcusedPartOfAbsence,
        AbsenceDays20, PartDays20, WholeDaySpells40, LongestSpell40, CurrentSpell,
        (float)WeekdayConcentration, LateDays20, Last20.Registered == 0 ? 0f : (float)LateMinutes20 / Last20.Registered,
        PreviousTerm is { } p ? (float)p.Value : -1f, PreviousTerm is { } q ? (float)(Term.Value - q.Value) : 0f,
        Grade, TermDays, DaysSinceLastAbsence,
        (float)Last40.Value, (float)Slope10, PartDaysChange10, (float)(Last10.UnexcusedValue - Prior10.UnexcusedValue), LateDaysChange10,
        (float)WholeDayExcusedPartOfAbsence20, DaysBackSinceSpell, (float)ShareYearAgoNext6Weeks,
        (float)(Last20.Value - Last20.UnexcusedValue),
        (float)Slope40, (float)Last40AcrossTerms.Value, PreviousTermEnd is { } e ? (float)e.Value : -1f, (float)BeyondIllness20,
        (float)BeyondIllnessChange10, (float)Smoothed, RisingWeeks, PreviousTermEnd is { } f ? (float)(Last20.Value - f.Value) : 0f,
    ];

    /// <summary>
    /// The features of a pupil's facts at one school (ordered by date; later days are ignored) as of <paramref name="asOf"/>.
    /// <paramref name="grade"/> is the pupil's grade on that date (-1 when unknown).
    /// </summary>
    public static TrendFeatures Compute(ReadOnlySpan<DayFact> days, DateOnly asOf, int grade)
    {
        var (end, termStart, previousStart) = Bounds(days, asOf);
        var current = days[termStart..end];
        var before = days[previousStart..termStart];
        // Scheduled days of the term, newest first: every window below is a prefix of this list.
        var scheduled = Scheduled(current, newestFirst: true);
        var all = Scheduled(days[..end], newestFirst: true);
        var last20 = Window(scheduled, 0, RecentDays);
        var termShare = Window(scheduled, 0, scheduled.Count);
        var recent = Recent20.Of(scheduled);
        var spells = Spells.Of(scheduled);
        var illness = BeyondIllness.Of(scheduled);
        var weekday = MostAbsentWeekday(current, WeekdayWeeks);

        return new TrendFeatures(
            asOf, scheduled.Count,
            Window(scheduled, 0, 5), Window(scheduled, 0, 10), Window(scheduled, 10, 10), last20, termShare,
            Slope(scheduled, RecentDays),
            last20.UnexcusedMinutes,
            termShare.Absent == 0 ? 0 : (double)termShare.Unexcused / termShare.Absent,
            recent.AbsenceDays, recent.PartDays, spells.Count, spells.Longest, spells.Current,
            weekday, Concentration(weekday),
            recent.LateDays, recent.LateMinutes,
            PreviousTermShare(before),
            grade, SinceLastAbsence(scheduled))
        {
            Last40 = Window(scheduled, 0, SpellWindowDays),
            Slope10 = Slope(scheduled, 10),
            PartDaysChange10 = recent.PartDaysChange10,
            LateDaysChange10 = recent.LateDaysChange10,
            WholeDayExcusedPartOfAbsence20 = last20.Absent == 0 ? 0 : (double)illness.WholeDayExcused / last20.Absent,
            DaysBackSinceSpell = BackSinceLastSpell(scheduled),
            ShareYearAgoNext6Weeks = YearAgo(days[..end], asOf),
            Slope40 = Slope(scheduled, SpellWindowDays),
            Last40AcrossTerms = Window(all, 0, SpellWindowDays),
            PreviousTermEnd = before.Length == 0 ? null : Window(Scheduled(before, newestFirst: true), 0, RecentDays) is { Days: > 0 } pe ? pe : null,
            BeyondIllness20 = illness.Share20,
            BeyondIllnessChange10 = illness.Change10,
            Smoothed = Smooth(days[..end]),
            RisingWeeks = RisingWeeksOf(all),
        };
    }

    /// <summary>Where the facts up to <paramref name="asOf"/> end, and where its term and the term before it start.</summary>
    private static (int End, int TermStart, int PreviousStart) Bounds(ReadOnlySpan<DayFact> days, DateOnly asOf)
    {
        var end = days.Length;
        while (end > 0 && days[end - 1].Date > asOf)
        {
            end--;
        }

        var term = Figures.Term.Containing(asOf);
        var termStart = end;
        while (termStart > 0 && days[termStart - 1].Date >= term.Start)
        {
            termStart--;
        }

        var previous = Figures.Term.Containing(term.Start.AddDays(-1));
        var previousStart = termStart;
        while (previousStart > 0 && days[previousStart - 1].Date >= previous.Start)
        {
            previousStart--;
        }

        return (end, termStart, previousStart);
    }

    /// <summary>The previous term's share over its scheduled days; null when the pupil has none there.</summary>
    private static Share? PreviousTermShare(ReadOnlySpan<DayFact> before) =>
        before.Length == 0 ? null : Window(Scheduled(before), 0, int.MaxValue) is { Days: > 0 } p ? p : null;

    /// <summary>Scheduled days since the last day with absence, newest first; <see cref="RecencyCap"/> when none that recent.</summary>
    private static int SinceLastAbsence(List<DayFact> newestFirst)
    {
        for (var i = 0; i < newestFirst.Count && i < RecencyCap; i++)
        {
            if (newestFirst[i].Absent > 0)
            {
                return i;
            }
        }

        return RecencyCap;
    }

    /// <summary>Back since the last whole-day spell: registered days since it ended, newest first until the spell.</summary>
    private static int BackSinceLastSpell(List<DayFact> newestFirst)
    {
        for (int i = 0, present = 0; i < newestFirst.Count && i < SpellWindowDays; i++)
        {
            if (newestFirst[i].IsWholeDayAbsent)
            {
                return present;
            }

            present += newestFirst[i].Registered > 0 ? 1 : 0;
        }

        return -1;
    }

    /// <summary>Days with absence, part-day absence and sen ankomst in the last 20 days; the changes, last 10 minus the 10 before.</summary>
    private readonly record struct Recent20(int AbsenceDays, int PartDays, int LateDays, int LateMinutes, int PartDaysChange10, int LateDaysChange10)
    {
        public static Recent20 Of(List<DayFact> newestFirst)
        {
            int absenceDays = 0, partDays = 0, lateDays = 0, lateMinutes = 0, partChange = 0, lateChange = 0, n = 0;
            foreach (var d in newestFirst.Take(RecentDays))
            {
                absenceDays += d.Absent > 0 ? 1 : 0;
                partDays += d.IsPartDayAbsent ? 1 : 0;
                lateDays += d.Late > 0 ? 1 : 0;
                lateMinutes += d.Late;
                var sign = n++ < 10 ? 1 : -1;
                partChange += d.IsPartDayAbsent ? sign : 0;
                lateChange += d.Late > 0 ? sign : 0;
            }

            return new Recent20(absenceDays, partDays, lateDays, lateMinutes, partChange, lateChange);
        }
    }

    /// <summary>
    /// Absence in the last 20 days on whole days of giltig frånvaro (illness, trips), and the absence beyond it with the
    /// registered time, in the last 10 days and the 10 before.
    /// </summary>
    private readonly record struct BeyondIllness(int WholeDayExcused, int BeyondLast, int BeyondPrior, int RegisteredLast, int RegisteredPrior)
    {
        public double Share20 => RegisteredLast + RegisteredPrior == 0 ? 0 : (double)(BeyondLast + BeyondPrior) / (RegisteredLast + RegisteredPrior);

        public double Change10 => (RegisteredLast == 0 ? 0 : (double)BeyondLast / RegisteredLast) - (RegisteredPrior == 0 ? 0 : (double)BeyondPrior / RegisteredPrior);

        public static BeyondIllness Of(List<DayFact> newestFirst)
        {
            int wholeExcused = 0, beyondLast = 0, beyondPrior = 0, registeredLast = 0, registeredPrior = 0, n = 0;
            foreach (var d in newestFirst.Take(RecentDays))
            {
                var illness = d.IsWholeDayAbsent && d.Excused >= d.Unexcused;
                wholeExcused += illness ? d.Absent : 0;
                var beyond = illness ? 0 : d.Absent;
                if (n++ < 10)
                {
                    beyondLast += beyond;
                    registeredLast += d.Registered;
                }
                else
                {
                    beyondPrior += beyond;
                    registeredPrior += d.Registered;
                }
            }

            return new BeyondIllness(wholeExcused, beyondLast, beyondPrior, registeredLast, registeredPrior);
        }
    }

    /// <summary>Whole-day spells (runs of whole days absent) in the last 40 days; unregistered days neither break nor extend one.</summary>
    private readonly record struct Spells(int Count, int Longest, int Current)
    {
        public static Spells Of(List<DayFact> newestFirst)
        {
            int spells = 0, longest = 0, run = 0, currentSpell = 0;
            var stillRunning = true;
            foreach (var d in newestFirst.Take(SpellWindowDays))
            {
                if (d.IsWholeDayAbsent)
                {
                    run++;
                    currentSpell += stillRunning ? 1 : 0;
                }
                else if (d.Registered > 0)
                {
                    stillRunning = false;
                    spells += run > 0 ? 1 : 0;
                    longest = Math.Max(longest, run);
                    run = 0;
                }
            }

            spells += run > 0 ? 1 : 0;
            longest = Math.Max(longest, run);
            return new Spells(spells, longest, currentSpell);
        }
    }

    /// <summary>Exponentially weighted daily share, newest weighted most (half-life 10 scheduled days, the last 60 read).</summary>
    private static double Smooth(ReadOnlySpan<DayFact> days)
    {
        double weight = 1, sum = 0, total = 0;
        var decay = Math.Pow(0.5, 1 / 10.0);
        for (int i = days.Length - 1, n = 0; i >= 0 && n < RecencyCap; i--)
        {
            if (days[i].Scheduled == 0)
            {
                continue;
            }

            n++;
            if (days[i].Registered > 0)
            {
                sum += weight * Math.Min(1.0, (double)days[i].Absent / days[i].Registered);
                total += weight;
            }

            weight *= decay;
        }

        return total == 0 ? 0 : sum / total;
    }

    /// <summary>Of the last six 5-day blocks, how many had a higher share than the block before them.</summary>
    private static int RisingWeeksOf(List<DayFact> newestFirst)
    {
        var rising = 0;
        for (var w = 0; w < 6; w++)
        {
            var (now, before) = (Window(newestFirst, 5 * w, 5), Window(newestFirst, 5 * w + 5, 5));
            rising += now.Days == 5 && before.Days == 5 && now.Value > before.Value ? 1 : 0;
        }

        return rising;
    }

    /// <summary>The share over the six school weeks (30 scheduled days) after the same date a year earlier; -1 without facts.</summary>
    private static double YearAgo(ReadOnlySpan<DayFact> days, DateOnly asOf)
    {
        var from = asOf.AddYears(-1);
        int registered = 0, absent = 0, n = 0;
        foreach (var d in days)
        {
            if (d.Date <= from || d.Scheduled == 0)
            {
                continue;
            }

            if (d.Date > from.AddDays(70) || n == 30)
            {
                break;
            }

            registered += d.Registered;
            absent += d.Absent;
            n++;
        }

        return registered == 0 ? -1 : (double)absent / registered;
    }

    private static List<DayFact> Scheduled(ReadOnlySpan<DayFact> days, bool newestFirst = false)
    {
        var list = new List<DayFact>(days.Length);
        foreach (var d in days)
        {
            if (d.Scheduled > 0)
            {
                list.Add(d);
            }
        }

        if (newestFirst)
        {
            list.Reverse();
        }

        return list;
    }

    private static Share Window(List<DayFact> days, int skip, int take)
    {
        int n = 0, registered = 0, absent = 0, unexcused = 0;
        for (var i = skip; i < days.Count && n < take; i++, n++)
        {
            registered += days[i].Registered;
            absent += days[i].Absent;
            unexcused += days[i].Unexcused;
        }

        return new Share(n, registered, absent, unexcused);
    }

    /// <summary>Least-squares slope of the daily absence share over the last <paramref name="window"/> days, per school week (5 days).</summary>
    private static double Slope(List<DayFact> newestFirst, int window)
    {
        var n = Math.Min(window, newestFirst.Count);
        if (n < 3)
        {
            return 0;
        }

        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        var m = 0;
        for (var i = 0; i < n; i++)
        {
            var d = newestFirst[i];
            if (d.Registered <= 0)
            {
                continue;
            }

            double x = n - 1 - i, y = Math.Min(1.0, (double)d.Absent / d.Registered);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            m++;
        }

        var denominator = m * sxx - sx * sx;
        return m < 3 || denominator == 0 ? 0 : 5 * (m * sxy - sx * sy) / denominator;
    }

    /// <summary>How much of the absence falls on one weekday: 0 when absence is spread evenly or there is too little to tell.</summary>
    private static double Concentration(WeekdayFigures? w) =>
        w is null || w.AbsentDays + w.OtherAbsentDays < 2 ? 0 : Math.Max(0, w.Rate - w.OtherRate);

    /// <summary>The same weekday look-back the descriptions use (last five occurrences of each weekday).</summary>
    private static WeekdayFigures? MostAbsentWeekday(ReadOnlySpan<DayFact> days, int weeks) =>
        days.Length == 0 ? null
            : PupilFigures.Compute([], "", days, days[^1].Date, new FigureSettings(1, weeks)).Weekday;
}

/// <summary>Absence over a window of scheduled days: days, registered, absent (giltig + ogiltig) and ogiltig minutes.</summary>
public readonly record struct Share(int Days, int Registered, int Absent, int Unexcused)
{
    public double Value => Registered == 0 ? 0 : (double)Absent / Registered;
    public double UnexcusedValue => Registered == 0 ? 0 : (double)Unexcused / Registered;
    public int UnexcusedMinutes => Unexcused;
}
