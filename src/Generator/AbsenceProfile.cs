namespace Skolnarvaro.Generator;

/// <summary>The kinds of absence trajectory drawn for pupils (approximate shares in brackets).</summary>
internal enum Trajectory
{
    /// <summary>0–6 % absence, mostly excused sick days, occasionally late (70 %).</summary>
    Fine,
    /// <summary>Absence rising from ~3 % to 30–40 % with a growing unexcused share (6 %).</summary>
    Rising,
    /// <summary>From some week on, absent most Mondays (or Fridays), mostly unexcused (5 %).</summary>
    Weekday,
    /// <summary>One spell of 5–15 consecutive school days (4 %).</summary>
    LongSpell,
    /// <summary>25–40 % absence in the first third of the term, then normal (4 %).</summary>
    Recovers,
    /// <summary>Late 5–25 min on 40–70 % of days (4 %).</summary>
    LateHeavy,
    /// <summary>Scattered single unexcused lessons, sometimes one subject over-represented (4 %).</summary>
    Stro,
    /// <summary>20–35 % absence throughout (3 %).</summary>
    High,
}

internal readonly record struct Spell(int From, int Length, bool Unexcused);

internal struct LessonOutcome
{
    public LessonStatus Status;
    public int Minutes;
}

/// <summary>
/// A pupil's absence behaviour. Outcomes are a pure function of (seed, pupil, school day, lessons),
/// so any export can be generated in any order and re-generated identically (e.g. for corrections).
/// </summary>
internal sealed class AbsenceProfile : IAbsenceBehaviour
{
    private readonly List<Spell> spells = [];

    private AbsenceProfile(int seed, int pupilId, Trajectory trajectory)
    {
        Seed = seed;
        PupilId = pupilId;
        Trajectory = trajectory;
    }

    public int Seed { get; }
    public int PupilId { get; }
    public Trajectory Trajectory { get; }
    public IReadOnlyList<Spell> Spells => spells;

    private double partialDayRate;
    private double singleLessonRate;
    private double lateRate;
    private int lateMin = 1;
    private int lateMax = 15;
    private double rate0;
    private double rate1;
    private double curve = 1;
    private double recoverUntil;
    private double unexcused0;
    private double unexcused1;
    private DayOfWeek patternDay;
    private int patternFromDay = int.MaxValue;
    private double patternProb;
    private double patternUnexcused;
    private double stroRate;
    private string? stroSubject;
    private double stroSubjectRate;

    public static AbsenceProfile Create(int seed, Pupil pupil, TermCalendar cal, SchoolClass cls)
    {
        var r = Det.Stream(seed, Det.Salt.Profile, pupil.Id);
        int n = cal.Days.Count;
        var t = DrawTrajectory(r);
        var p = new AbsenceProfile(seed, pupil.Id, t)
        {
            partialDayRate = 0.006 + 0.01 * r.NextDouble(),
            singleLessonRate = 0.002 + 0.004 * r.NextDouble(),
            lateRate = 0.004 + 0.02 * r.NextDouble(),
        };

        if (t == Trajectory.LongSpell && n > 0)
        {
            int len = 5 + r.Next(11);
            int start = r.Next(Math.Min(2, n - 1), Math.Max(Math.Min(2, n - 1) + 1, n - 4));
            p.spells.Add(new Spell(start, len, r.NextDouble() < 0.5));
        }

        p.DrawSickDays(r, n);
        p.DrawTrajectoryParameters(r, cal, cls);
        return p;
    }

    private static Trajectory DrawTrajectory(Random r) => r.NextDouble() switch
    {
        < 0.70 => Trajectory.Fine,
        < 0.76 => Trajectory.Rising,
        < 0.81 => Trajectory.Weekday,
        < 0.85 => Trajectory.LongSpell,
        < 0.89 => Trajectory.Recovers,
        < 0.93 => Trajectory.LateHeavy,
        < 0.97 => Trajectory.Stro,
        _ => Trajectory.High,
    };

    /// <summary>Sick days: whole days of 1–3 days, mostly excused.</summary>
    private void DrawSickDays(Random r, int n)
    {
        double sickFraction = (Trajectory == Trajectory.Fine ? 0.05 : 0.025) * Math.Pow(r.NextDouble(), 1.6);
        int sickDays = (int)Math.Round(sickFraction * n);
        for (int total = 0; total < sickDays && n > 0;)
        {
            double lu = r.NextDouble();
            int len = lu < 0.5 ? 1 : lu < 0.8 ? 2 : 3;
            spells.Add(new Spell(r.Next(n), len, r.NextDouble() < 0.06));
            total += len;
        }
    }

    /// <summary>What the trajectory needs beyond the rates every pupil has: its rates over the term, its weekday, its subject.</summary>
    private void DrawTrajectoryParameters(Random r, TermCalendar cal, SchoolClass cls)
    {
        switch (Trajectory)
        {
            case Trajectory.Rising:
                rate0 = 0.02 + 0.02 * r.NextDouble();
                rate1 = 0.30 + 0.10 * r.NextDouble();
                curve = 1.3 + 0.9 * r.NextDouble();
                unexcused0 = 0.15 + 0.15 * r.NextDouble();
                unexcused1 = 0.6 + 0.3 * r.NextDouble();
                break;
            case Trajectory.Weekday:
                DrawWeekday(r, cal);
                break;
            case Trajectory.Recovers:
                rate0 = 0.25 + 0.15 * r.NextDouble();
                recoverUntil = 0.28 + 0.1 * r.NextDouble();
                unexcused0 = unexcused1 = 0.3 + 0.3 * r.NextDouble();
                break;
            case Trajectory.LateHeavy:
                lateRate = 0.4 + 0.3 * r.NextDouble();
                lateMin = 5;
                lateMax = 25;
                break;
            case Trajectory.Stro:
                DrawStro(r, cls);
                break;
            case Trajectory.High:
                rate0 = rate1 = 0.20 + 0.15 * r.NextDouble();
                unexcused0 = unexcused1 = 0.35 + 0.35 * r.NextDouble();
                break;
        }
    }

    /// <summary>Absent most Mondays (or Fridays) from a week early in the term on, mostly unexcused.</summary>
    private void DrawWeekday(Random r, TermCalendar cal)
    {
        int weeks = cal.Weeks.Count;
        patternDay = r.NextDouble() < 0.7 ? DayOfWeek.Monday : DayOfWeek.Friday;
        if (weeks > 0)
        {
            int lo = Math.Min(2, weeks - 1);
            int hi = Math.Max(lo + 1, Math.Min(9, weeks - 2));
            patternFromDay = cal.Weeks[r.Next(lo, hi)].FirstDay;
        }
        patternProb = 0.7 + 0.22 * r.NextDouble();
        patternUnexcused = 0.7 + 0.2 * r.NextDouble();
    }

    /// <summary>Ströfrånvaro: single lessons, half the time mostly one subject of the class's timetable (often idrott).</summary>
    private void DrawStro(Random r, SchoolClass cls)
    {
        stroRate = 0.10 + 0.10 * r.NextDouble();
        if (r.NextDouble() < 0.5)
        {
            var subjects = cls.Timetable.SelectMany(d => d).Select(l => l.Subject).Distinct().Order(StringComparer.Ordinal).ToList();
            stroSubject = subjects.Contains("Idrott och hälsa") && r.NextDouble() < 0.6
                ? "Idrott och hälsa"
                : subjects[r.Next(subjects.Count)];
            stroSubjectRate = 0.55 + 0.3 * r.NextDouble();
            stroRate *= 0.6;
        }
    }

    private double RateAt(double t) => Trajectory switch
    {
        Trajectory.Rising => rate0 + (rate1 - rate0) * Math.Pow(t, curve),
        Trajectory.Recovers => t <= recoverUntil ? rate0 : 0,
        Trajectory.High => rate0,
        _ => 0,
    };

    /// <summary>Fills <paramref name="result"/> with the true (fully registered) outcome of each lesson of the day.</summary>
    public void Simulate(int day, TermCalendar cal, Lesson[] lessons, Span<LessonOutcome> result)
    {
        int n = lessons.Length;
        result[..n].Clear();
        if (n == 0)
        {
            return;
        }

        var r = Det.Stream(Seed, Det.Salt.PupilDay, PupilId, day);
        double t = cal.Days.Count > 1 ? day / (double)(cal.Days.Count - 1) : 0;
        var whole = LessonStatus.Present;

        foreach (var s in spells)
        {
            if (day >= s.From && day < s.From + s.Length)
            {
                whole = s.Unexcused ? LessonStatus.Unexcused : LessonStatus.Excused;
                break;
            }
        }

        if (whole == LessonStatus.Present && Trajectory == Trajectory.Weekday && day >= patternFromDay
            && cal.Days[day].DayOfWeek == patternDay && r.NextDouble() < patternProb)
        {
            whole = r.NextDouble() < patternUnexcused ? LessonStatus.Unexcused : LessonStatus.Excused;
        }

        if (whole == LessonStatus.Present && Trajectory is Trajectory.Rising or Trajectory.Recovers or Trajectory.High)
        {
            double noise = 0.5 + Det.Unit(Seed, Det.Salt.WeekNoise, PupilId, cal.WeekOfDay[day]);
            double p = Math.Min(0.95, RateAt(t) * noise / 0.8);
            if (r.NextDouble() < p)
            {
                double unexcusedShare = unexcused0 + (unexcused1 - unexcused0) * t;
                var status = r.NextDouble() < unexcusedShare ? LessonStatus.Unexcused : LessonStatus.Excused;
                if (n < 2 || r.NextDouble() < 0.6)
                {
                    whole = status;
                }
                else
                {
                    LessonDay.PartOfDay(r, status, lessons, result);
                }
            }
        }

        if (whole != LessonStatus.Present)
        {
            LessonDay.WholeDay(whole, lessons, result);
            return;
        }

        int first = LessonDay.SingleLessons(r, lessons, result, partialDayRate, stroSubject, stroSubjectRate, stroRate, singleLessonRate);
        LessonDay.LateArrival(r, lessons, result, first, lateRate, lateMin, lateMax);
    }
}
