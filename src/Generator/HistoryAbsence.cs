namespace Skolnarvaro.Generator;

/// <summary>Fills a pupil's lesson outcomes for one school day of a term (a pure function of seed, pupil and day).</summary>
internal interface IAbsenceBehaviour
{
    void Simulate(int day, TermCalendar cal, Lesson[] lessons, Span<LessonOutcome> result);
}

/// <summary>The kind of course a pupil's absence takes over a history (the rise is what a trend model should see).</summary>
internal enum HistoryCourse
{
    /// <summary>Low absence with noise, sick spells that follow the season.</summary>
    Stable,
    /// <summary>Moderate absence (6–15 % beyond illness) throughout, drifting up and down.</summary>
    Chronic,
    /// <summary>From an onset date, absence climbs over weeks to a plateau — above the high level or below it — and sometimes recovers.</summary>
    Rising,
    /// <summary>Like <see cref="Rising"/>, but the climb takes days: the rule and a model learn of it at the same time.</summary>
    Jump,
}

/// <summary>All school days of a history, numbered across its terms.</summary>
internal sealed class HistoryCalendar
{
    public HistoryCalendar(IReadOnlyList<TermCalendar> terms)
    {
        Terms = terms;
        Days = terms.SelectMany(t => t.Days).ToArray();
    }

    public IReadOnlyList<TermCalendar> Terms { get; }
    public DateOnly[] Days { get; }

    public static int SchoolYearOf(DateOnly d) => d.Month >= 7 ? d.Year : d.Year - 1;
}

/// <summary>
/// A pupil's absence over a multi-term history, driven by a latent absence propensity that changes with time rather
/// than by a fixed class: a personal base level (higher in older grades) that drifts slowly, for some pupils a rise
/// with a random onset and slope that may stop below the high level or recover, sick spells whose frequency peaks in
/// winter, a rare long illness, and behaviours layered on top (a recurring weekday, late arrivals, scattered lessons).
/// Every day's outcome is a pure function of (seed, pupil, school day), so any export can be written in any order.
/// </summary>
internal sealed class HistoryAbsence : IAbsenceBehaviour
{
    /// <summary>School days between the knots of the slowly drifting noise on the propensity.</summary>
    private const int DriftKnotDays = 15;
    /// <summary>The propensity is capped: nobody is modelled as absent every day for months.</summary>
    private const double MaxPropensity = 0.6;
    private const int SchoolDaysPerYear = 180;

    /// <summary>The share of pupils whose absence begins to rise in a school year, by grade (a little higher in the older grades).</summary>
    internal static double RisesPerYear(int grade) => 0.035 + 0.003 * (Math.Clamp(grade, 1, 9) - 1);

    private readonly List<Spell> spells = [];

    private HistoryAbsence(int seed, int pupilId)
    {
        Seed = seed;
        PupilId = pupilId;
    }

    public int Seed { get; }
    public int PupilId { get; }
    public HistoryCourse Course { get; private set; }
    public IReadOnlyList<Spell> Spells => this.spells;

    /// <summary>School-year start (year) in which the pupil was, or would have been, in grade 1.</summary>
    public int Grade1Year { get; private set; }

    // The base level and its drift.
    private double baseLevel;
    private double driftSigma;
    private bool girl;

    // The rise: onset and lengths in school days of the history (global day index).
    public double RiseOnset { get; private set; } = double.MaxValue;
    public double RiseDays { get; private set; } = 1;
    public double RisePeak { get; private set; }
    private double holdDays = double.MaxValue;
    private double recoverDays = 1;
    private DayOfWeek riseDay;
    private double riseDayWeight; // 0: the rise is spread over the week; > 0: concentrated on riseDay

    // Mix of giltig/ogiltig: at base level and at the full rise.
    private double unexcused0;
    private double unexcused1;

    private double partialDayRate;
    private double singleLessonRate;

    // Recurring weekday (from an onset) and late arrivals, which for some risers start before the absence does.
    private DayOfWeek patternDay;
    private double patternFrom = double.MaxValue;
    private double patternProb;
    private double patternUnexcused;
    private double lateRate;
    private double lateRise;
    private double lateRiseFrom = double.MaxValue;
    private int lateMin = 1;
    private int lateMax = 15;

    // Ströfrånvaro: single lessons skipped, sometimes mostly one subject.
    private double stroRate;
    private string? stroSubject;
    private double stroSubjectRate;

    public static HistoryAbsence Create(int seed, Pupil pupil, int grade1Year, HistoryCalendar history)
    {
        var r = Det.Stream(seed, Det.Salt.HistoryProfile, pupil.Id);
        int n = history.Days.Length;
        int grade0 = Math.Clamp(HistoryCalendar.SchoolYearOf(history.Days[0]) - grade1Year + 1, 1, 9);
        var p = new HistoryAbsence(seed, pupil.Id)
        {
            Grade1Year = grade1Year,
            girl = !pupil.Male,
            partialDayRate = 0.006 + 0.01 * r.NextDouble(),
            singleLessonRate = 0.002 + 0.004 * r.NextDouble(),
            lateRate = 0.004 + 0.02 * r.NextDouble(),
            driftSigma = 0.2 + 0.2 * r.NextDouble(),
        };

        // Base level beyond illness: log-normal around 0.8 %, a long tail; chronic pupils 4–11 %.
        p.baseLevel = 0.008 * Math.Exp(0.7 * Normal(r));
        p.unexcused0 = 0.05 + 0.3 * r.NextDouble() * (pupil.Male ? 1.2 : 1.0);
        p.DrawCourse(r, grade0, n);
        p.DrawBehaviour(r, n);
        p.DrawSickSpells(r, history);
        p.DrawTrips(history);
        return p;
    }

    /// <summary>The pupil's course over the years: chronic, a rise (gradual or a jump) or stable, with its parameters.</summary>
    private void DrawCourse(Random r, int grade0, int n)
    {
        double course = r.NextDouble();
        // Rises begin at a steady rate per school year, a little more often in older grades, from the pupil's first school
        // year on: the first term then holds rises already under way (and those that never recovered pile up with the
        // years, as absence does with grade), instead of a population that starts with nobody rising, which put the
        // first term's shares far below published figures.
        int leadIn = SchoolDaysPerYear * (grade0 - 1) + SchoolDaysPerYear / 2;
        double span = leadIn + n + 20;
        double riseShare = Math.Min(0.7, RisesPerYear(grade0) * span / SchoolDaysPerYear);
        if (course < 0.07)
        {
            Course = HistoryCourse.Chronic;
            baseLevel = 0.04 + 0.07 * r.NextDouble();
            unexcused0 = 0.15 + 0.45 * r.NextDouble();
        }
        else if (course < 0.07 + riseShare)
        {
            DrawRise(r, leadIn, span);
        }
        else
        {
            Course = HistoryCourse.Stable;
        }
        if (Course != HistoryCourse.Rising && Course != HistoryCourse.Jump)
        {
            unexcused1 = unexcused0;
        }
    }

    /// <summary>A rise: when it begins, how fast and how high it climbs, whether it recovers, and what shows with it.</summary>
    private void DrawRise(Random r, int leadIn, double span)
    {
        bool jump = r.NextDouble() < 0.22;
        Course = jump ? HistoryCourse.Jump : HistoryCourse.Rising;
        // Onsets spread from the pupil's first school year to a little beyond the history's end, so rises are under
        // way at the start (some long recovered) and some have not begun at the end.
        RiseOnset = -leadIn + span * r.NextDouble();
        RiseDays = jump ? 2 + 6 * r.NextDouble() : 25 + 65 * Math.Pow(r.NextDouble(), 0.8);
        // About half climb past the high level; the rest level off below it (still worth an early word).
        RisePeak = r.NextDouble() < 0.5 ? 0.17 + 0.28 * r.NextDouble() : 0.04 + 0.10 * r.NextDouble();
        holdDays = 15 + 100 * r.NextDouble();
        recoverDays = r.NextDouble() < 0.45 ? 15 + 35 * r.NextDouble() : double.PositiveInfinity;
        bool truancy = r.NextDouble() < 0.55;
        unexcused1 = truancy ? 0.45 + 0.4 * r.NextDouble() : 0.08 + 0.2 * r.NextDouble();
        if (r.NextDouble() < 0.3)
        {
            riseDay = r.NextDouble() < 0.6 ? DayOfWeek.Monday : DayOfWeek.Friday;
            riseDayWeight = 1.5 + 1.5 * r.NextDouble();
        }
        if (r.NextDouble() < 0.4)
        {
            lateRiseFrom = RiseOnset - 5 - 15 * r.NextDouble();
            lateRise = 0.15 + 0.3 * r.NextDouble();
        }
    }

    /// <summary>Behaviours layered on any course: a weekday pattern, heavy late arrival, or ströfrånvaro.</summary>
    private void DrawBehaviour(Random r, int n)
    {
        double extra = r.NextDouble();
        if (extra < 0.04)
        {
            patternDay = r.NextDouble() < 0.6 ? DayOfWeek.Monday : r.NextDouble() < 0.8 ? DayOfWeek.Friday : DayOfWeek.Wednesday;
            patternFrom = -20 + (n + 20) * r.NextDouble();
            patternProb = 0.5 + 0.4 * r.NextDouble();
            patternUnexcused = 0.6 + 0.3 * r.NextDouble();
        }
        else if (extra < 0.08)
        {
            lateRate = 0.3 + 0.35 * r.NextDouble();
            lateMin = 5;
            lateMax = 25;
        }
        else if (extra < 0.12)
        {
            stroRate = 0.04 + 0.08 * r.NextDouble();
            if (r.NextDouble() < 0.5)
            {
                stroSubject = r.NextDouble() < 0.6 ? "Idrott och hälsa" : NameLists.Subjects[r.Next(NameLists.Subjects.Length)];
                stroSubjectRate = 0.5 + 0.3 * r.NextDouble();
                stroRate *= 0.5;
            }
        }
    }

    /// <summary>
    /// Sick spells of whole days, excused: a personal frequency, higher in winter; most last one to three days, a
    /// few a week or more (the rule's consecutive-days criterion catches those at once). Rarely a long illness.
    /// </summary>
    private void DrawSickSpells(Random r, HistoryCalendar history)
    {
        var days = history.Days;
        double frequency = 0.0045 * Math.Exp(0.5 * Normal(r)); // spell starts per school day
        for (int g = 0; g < days.Length; g++)
        {
            if (r.NextDouble() >= frequency * Season(days[g]))
            {
                continue;
            }
            double u = r.NextDouble();
            int len = u < 0.45 ? 1 : u < 0.73 ? 2 : u < 0.89 ? 3 : u < 0.96 ? 4 : u < 0.985 ? 5 : 6 + r.Next(3);
            this.spells.Add(new Spell(g, len, r.NextDouble() < 0.04));
            g += len;
        }
        foreach (var term in history.Terms)
        {
            if (r.NextDouble() < 0.012 && term.Days.Count > 10)
            {
                int len = 6 + (int)(20 * Math.Pow(r.NextDouble(), 1.5));
                this.spells.Add(new Spell(term.DayBase + r.Next(term.Days.Count - 3), len, false));
            }
        }
    }

    /// <summary>
    /// A family trip: a week or two of whole days, excused (ledighet), for about one pupil in twelve each school year.
    /// Like a long illness it crosses the rule's lines at once and is over when the pupil is back: not lasting absence.
    /// Drawn from a stream of its own, so the other draws of a pupil stay what they were.
    /// </summary>
    private void DrawTrips(HistoryCalendar history)
    {
        var r = Det.Stream(Seed, Det.Salt.Trips, PupilId);
        foreach (var term in history.Terms)
        {
            if (r.NextDouble() < 0.04 && term.Days.Count > 15)
            {
                int len = 5 + r.Next(6);
                int from = term.DayBase + r.Next(term.Days.Count - len);
                this.spells.Add(new Spell(from, len, false));
                Trips.Add((from, len));
            }
        }
    }

    /// <summary>The trips (first school day of the history, school days), for the answer key.</summary>
    public List<(int From, int Length)> Trips { get; } = [];

    /// <summary>How much more often pupils fall ill: a winter peak around early February, a smaller one in November.</summary>
    public static double Season(DateOnly date)
    {
        int doy = date.DayOfYear;
        double winter = Math.Min(Math.Abs(doy - 36), 365 - Math.Abs(doy - 36)) / 40.0;
        double november = (doy - 320) / 20.0;
        return 1 + 0.75 * Math.Exp(-winter * winter) + 0.25 * Math.Exp(-november * november);
    }

    /// <summary>The latent propensity (share of scheduled time absent, illness and patterns aside) on school day <paramref name="g"/> of the history.</summary>
    public double Propensity(int g, DateOnly date, int globalWeek)
    {
        int grade = Math.Clamp(HistoryCalendar.SchoolYearOf(date) - Grade1Year + 1, 1, 9);
        double gradeFactor = 1 + 0.07 * (grade - 1) + (girl && grade >= 7 ? 0.08 : 0);
        double drift = Math.Exp(driftSigma * Drift(g));
        double week = 0.75 + 0.5 * Det.Unit(Seed, Det.Salt.WeekNoise, PupilId, globalWeek, 1);
        return Math.Min(MaxPropensity, (baseLevel * gradeFactor * drift + Rise(g) * (0.85 + 0.3 * Det.Unit(Seed, Det.Salt.WeekNoise, PupilId, globalWeek, 2))) * week);
    }

    /// <summary>The rise's contribution on day <paramref name="g"/>: a smooth climb, a plateau, for some a recovery.</summary>
    public double Rise(double g)
    {
        if (g <= RiseOnset)
        {
            return 0;
        }
        double climb = SmoothStep((g - RiseOnset) / RiseDays);
        double recoverFrom = RiseOnset + RiseDays + holdDays;
        double recovered = g > recoverFrom ? SmoothStep((g - recoverFrom) / recoverDays) : 0;
        return RisePeak * climb * (1 - recovered);
    }

    /// <summary>Slowly drifting standard-normal-ish noise: interpolated between knots every <see cref="DriftKnotDays"/> days.</summary>
    private double Drift(int g)
    {
        int k = g / DriftKnotDays;
        double f = SmoothStep((g - k * DriftKnotDays) / (double)DriftKnotDays);
        double a = UnitNormal(Det.Unit(Seed, Det.Salt.Drift, PupilId, k), Det.Unit(Seed, Det.Salt.Drift, PupilId, k, 1));
        double b = UnitNormal(Det.Unit(Seed, Det.Salt.Drift, PupilId, k + 1), Det.Unit(Seed, Det.Salt.Drift, PupilId, k + 1, 1));
        return a + (b - a) * f;
    }

    public void Simulate(int day, TermCalendar cal, Lesson[] lessons, Span<LessonOutcome> result)
    {
        int n = lessons.Length;
        result[..n].Clear();
        if (n == 0)
        {
            return;
        }

        int g = cal.DayBase + day;
        var date = cal.Days[day];
        var r = Det.Stream(Seed, Det.Salt.HistoryDay, PupilId, g);
        var whole = SpellStatus(g);
        double progress = RisePeak > 0 ? Rise(g) / RisePeak : 0;
        double unexcusedShare = unexcused0 + (unexcused1 - unexcused0) * progress;

        if (whole == LessonStatus.Present && g >= patternFrom && date.DayOfWeek == patternDay && r.NextDouble() < patternProb)
        {
            whole = r.NextDouble() < patternUnexcused ? LessonStatus.Unexcused : LessonStatus.Excused;
        }

        if (whole == LessonStatus.Present)
        {
            double lambda = Propensity(g, date, cal.WeekBase + cal.WeekOfDay[day]);
            if (riseDayWeight > 0 && progress > 0)
            {
                // The rise shows mostly on one weekday: more there, less on the other four (about the same week total).
                double weight = date.DayOfWeek == riseDay ? 1 + riseDayWeight : 1 - riseDayWeight / 4;
                lambda = Math.Min(MaxPropensity, lambda * (1 - progress + progress * Math.Max(0.1, weight)));
            }
            double u = r.NextDouble();
            if (u < 0.55 * lambda)
            {
                whole = r.NextDouble() < unexcusedShare ? LessonStatus.Unexcused : LessonStatus.Excused;
            }
            else if (u < 1.45 * lambda && n >= 2)
            {
                // Part of the day: a run of lessons at the start or the end, or scattered.
                var status = r.NextDouble() < unexcusedShare ? LessonStatus.Unexcused : LessonStatus.Excused;
                LessonDay.PartOfDay(r, status, lessons, result);
            }
        }

        if (whole != LessonStatus.Present)
        {
            LessonDay.WholeDay(whole, lessons, result);
            return;
        }

        int first = LessonDay.SingleLessons(r, lessons, result, partialDayRate, stroSubject, stroSubjectRate, stroRate, singleLessonRate);
        LessonDay.LateArrival(r, lessons, result, first, LateRateOn(g, progress), lateMin, lateMax);
    }

    /// <summary>The day's status from a spell of whole days (sickness, a trip) covering it, else present.</summary>
    private LessonStatus SpellStatus(int g)
    {
        foreach (var s in this.spells)
        {
            if (g >= s.From && g < s.From + s.Length)
            {
                return s.Unexcused ? LessonStatus.Unexcused : LessonStatus.Excused;
            }
        }

        return LessonStatus.Present;
    }

    /// <summary>The chance of arriving late on day <paramref name="g"/>: the pupil's own, plus any late arrival that comes with a rise.</summary>
    private double LateRateOn(int g, double progress)
    {
        double rate = this.lateRate;
        if (g > lateRiseFrom)
        {
            rate += lateRise * SmoothStep((g - lateRiseFrom) / (RiseDays + 10)) * (1 - 0.6 * progress);
        }
        return rate;
    }

    /// <summary>
    /// One line of the history's answer key (<c>history-truth.csv</c>): the course and its parameters, so an evaluation
    /// can break its results down by the kind of trajectory. Dates are school days of the history.
    /// </summary>
    public string[] TruthFields(HistoryCalendar history)
    {
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        string Day(double g) => g >= 0 && g < history.Days.Length ? history.Days[(int)g].ToString("yyyy-MM-dd", ci) : "";
        bool rises = Course is HistoryCourse.Rising or HistoryCourse.Jump;
        var longest = this.spells.Count == 0 ? default : this.spells.MaxBy(s => s.Length);
        return
        [
            Course.ToString(),
            rises ? Day(RiseOnset) : "",
            rises ? RiseOnset.ToString("0", ci) : "",
            rises ? RiseDays.ToString("0", ci) : "",
            rises ? RisePeak.ToString("0.000", ci) : "",
            rises && !double.IsPositiveInfinity(recoverDays) ? Day(RiseOnset + RiseDays + holdDays) : "",
            riseDayWeight > 0 ? riseDay.ToString() : "",
            patternFrom < double.MaxValue ? patternDay + " " + Day(Math.Max(0, patternFrom)) : "",
            this.lateRate >= 0.3 ? "LateHeavy" : lateRise > 0 ? "LateBeforeRise" : "",
            stroRate > 0 ? "Scattered" + (stroSubject is null ? "" : " " + stroSubject) : "",
            longest.Length >= 5 ? Day(longest.From) : "",
            longest.Length >= 5 ? longest.Length.ToString(ci) : "",
            string.Join(' ', Trips.Select(t => Day(t.From) + "+" + t.Length.ToString(ci))),
        ];
    }

    public static readonly string[] TruthHeader =
    [
        "Course", "RiseOnset", "RiseOnsetDay", "RiseDays", "RisePeak", "RecoversFrom", "RiseWeekday", "WeekdayPattern",
        "Late", "Scattered", "LongestSpellFrom", "LongestSpellDays", "Trips",
    ];

    private static double SmoothStep(double x) => x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x);

    private static double Normal(Random r) => UnitNormal(r.NextDouble(), r.NextDouble());

    /// <summary>Box–Muller from two uniforms (the first kept away from 0).</summary>
    private static double UnitNormal(double u1, double u2) =>
        Math.Sqrt(-2 * Math.Log(1 - u1)) * Math.Cos(2 * Math.PI * u2);
}
