namespace Skolnarvaro.Generator.Dynamics;

/// <summary>
/// Draws a pupil's absence for the whole history when the pupil is created: the lasting course (if any), the everyday
/// habits, the ordinary sick spells by season, family trips and the spells of a chronic illness.
/// </summary>
internal static class PupilDraws
{
    /// <summary>School days in a school year, for onsets dated before the history.</summary>
    private const int SchoolDaysPerYear = 178;

    /// <summary>How much more often ordinary illness starts in a month than on average (winter colds and influenza).</summary>
    private static readonly double[] Season = [1.2, 1.35, 1.2, 0.85, 0.7, 0.5, 0.5, 0.55, 0.85, 1.0, 1.15, 1.25];

    /// <param name="fYear">The school year the pupil was (or will be) in förskoleklass: the grade of a day is its school year minus this.</param>
    public static PupilAbsence Create(int seed, int pupilId, bool male, int fYear, RegionalCalendar cal)
    {
        var r = Det.Stream(seed, DynamicsSalt.Course, pupilId);
        var course = DrawCourse(r, male, fYear, cal);
        var habits = DrawHabits(Det.Stream(seed, DynamicsSalt.Ordinary, pupilId), fYear, cal, course);
        var events = new DayEvent[cal.Days.Length];
        if (course.Kind == CourseKind.ChronicIllness)
        {
            LayChronicSpells(r, course, events);
        }
        var absence = new PupilAbsence(seed, pupilId, cal, course, habits, events);
        LayTrips(Det.Stream(seed, DynamicsSalt.Trips, pupilId), fYear, cal, events, absence.Trips);
        LaySickSpells(Det.Stream(seed, DynamicsSalt.Ordinary, pupilId, 1), fYear, cal, events);
        return absence;
    }

    /// <summary>The share of pupils in a grade whose lasting problem begins during a school year: rare in the early
    /// grades, most common in 7–9; a little more common among girls in 7–9.</summary>
    internal static double OnsetsPerYear(int grade, bool male) => grade switch
    {
        <= 3 => 0.024,
        <= 6 => 0.042,
        _ => male ? 0.07 : 0.08,
    };

    private static Course DrawCourse(Random r, bool male, int fYear, RegionalCalendar cal)
    {
        int firstYear = RegionalCalendar.SchoolYearOf(cal.Days[0]);
        int lastYear = RegionalCalendar.SchoolYearOf(cal.Days[^1]);
        for (int year = firstYear - 4; year <= lastYear; year++)
        {
            int grade = year - fYear;
            if (grade is < 0 or > 9)
            {
                continue;
            }
            var (from, count) = DaysOfYear(cal, year);
            double covered = year < firstYear ? 1 : count / (double)SchoolDaysPerYear;
            if (r.NextDouble() >= OnsetsPerYear(grade, male) * Math.Min(1, covered))
            {
                continue;
            }
            int onset = year < firstYear
                ? -(firstYear - year) * SchoolDaysPerYear + r.Next(SchoolDaysPerYear)
                : from + r.Next(Math.Max(1, count));
            var course = Shape(r, KindFor(r, grade), onset, cal);
            if (course is not null)
            {
                return course;
            }
        }
        return Course.None;
    }

    private static CourseKind KindFor(Random r, int grade)
    {
        double[] w = grade switch
        {
            <= 3 => [0.30, 0.25, 0.10, 0.10, 0.25],
            <= 6 => [0.35, 0.22, 0.13, 0.13, 0.17],
            _ => [0.35, 0.18, 0.20, 0.15, 0.12],
        };
        double u = r.NextDouble();
        for (int i = 0; i < w.Length; i++)
        {
            u -= w[i];
            if (u < 0)
            {
                return (CourseKind)(i + 1);
            }
        }
        return CourseKind.ChronicIllness;
    }

    private static Course? Shape(Random r, CourseKind kind, int onset, RegionalCalendar cal)
    {
        double U(double a, double b) => a + (b - a) * r.NextDouble();
        int I(int a, int b) => r.Next(a, b + 1);
        switch (kind)
        {
            case CourseKind.GradualWithdrawal:
                bool back = r.NextDouble() < 0.4;
                int ramp = I(30, 90);
                return new Course
                {
                    Kind = kind, Onset = onset, Ramp = ramp, Peak = U(0.3, 0.8),
                    ReturnAfter = back ? ramp + I(20, 100) : int.MaxValue, ReturnDays = I(15, 40), Residual = U(0.02, 0.08),
                };
            case CourseKind.HolidayOnset:
                int start = onset >= 0 ? cal.NextBreakEnd(onset) : onset;
                if (start < 0 && onset >= 0)
                {
                    return null; // no lov left in the history to begin after
                }
                bool returns = r.NextDouble() < 0.35;
                return new Course
                {
                    Kind = kind, Onset = start, Ramp = I(3, 10), Peak = U(0.4, 0.9),
                    ReturnAfter = returns ? I(30, 120) : int.MaxValue, ReturnDays = I(10, 30), Residual = U(0.03, 0.1),
                };
            case CourseKind.MondayFriday:
                bool stops = r.NextDouble() < 0.25;
                return new Course
                {
                    Kind = kind, Onset = onset, Ramp = I(15, 60), Peak = U(0.35, 0.8),
                    ReturnAfter = stops ? I(40, 150) : int.MaxValue, ReturnDays = 20, Residual = 0.05,
                };
            case CourseKind.SuddenRefusal:
                bool comesBack = r.NextDouble() < 0.55;
                return new Course
                {
                    Kind = kind, Onset = onset, Ramp = 1, Peak = U(0.85, 1.0),
                    ReturnAfter = comesBack ? I(15, 100) : int.MaxValue, ReturnDays = I(5, 20), Residual = U(0.05, 0.2),
                };
            default:
                int min = I(2, 4);
                return new Course { Kind = kind, Onset = onset, SpellEvery = I(18, 45), SpellMin = min, SpellMax = min + I(3, 8) };
        }
    }

    private static OrdinaryHabits DrawHabits(Random r, int fYear, RegionalCalendar cal, Course course)
    {
        int grade = RegionalCalendar.SchoolYearOf(cal.Days[0]) - fYear;
        double u = r.NextDouble();
        double late = u < 0.6 ? 0.01 * r.NextDouble() : u < 0.9 ? 0.01 + 0.04 * r.NextDouble() : 0.05 + 0.1 * r.NextDouble();
        double v = r.NextDouble();
        double skip = grade >= 7
            ? v < 0.7 ? 0 : v < 0.95 ? 0.01 * r.NextDouble() : 0.01 + 0.03 * r.NextDouble()
            : v < 0.95 ? 0 : 0.005 * r.NextDouble();
        double appointments = course.Kind == CourseKind.ChronicIllness ? 0.04 : 0.008 + 0.008 * r.NextDouble();
        return new OrdinaryHabits(late, skip, appointments, grade >= 7 ? 0.04 : 0.01);
    }

    /// <summary>Ordinary illness: spells of one to five days, more often in winter, in the younger grades and for the
    /// more frail, starting a little more often on Mondays and Fridays.</summary>
    private static void LaySickSpells(Random r, int fYear, RegionalCalendar cal, DayEvent[] events)
    {
        double frailty = Math.Exp(0.4 * Normal(r) - 0.08);
        for (int g = 0; g < events.Length; g++)
        {
            var date = cal.Days[g];
            int grade = RegionalCalendar.SchoolYearOf(date) - fYear;
            double hazard = (grade <= 3 ? 0.02 : grade <= 6 ? 0.016 : 0.015) * frailty * Season[date.Month - 1]
                * (date.DayOfWeek == DayOfWeek.Friday ? 1.2 : date.DayOfWeek == DayOfWeek.Monday ? 1.1 : 1);
            if (events[g] != DayEvent.None || r.NextDouble() >= hazard)
            {
                continue;
            }
            double u = r.NextDouble();
            int length = u < 0.4 ? 1 : u < 0.65 ? 2 : u < 0.82 ? 3 : u < 0.92 ? 4 : 5;
            for (int d = g; d < Math.Min(events.Length, g + length) && events[d] == DayEvent.None; d++)
            {
                events[d] = DayEvent.Sick;
            }
            g += length;
        }
    }

    /// <summary>Family trips: about one pupil in twelve a school year takes one or two weeks, most often next to a lov;
    /// the rektor grants most of them.</summary>
    private static void LayTrips(Random r, int fYear, RegionalCalendar cal, DayEvent[] events, List<string> trips)
    {
        int firstYear = RegionalCalendar.SchoolYearOf(cal.Days[0]);
        int lastYear = RegionalCalendar.SchoolYearOf(cal.Days[^1]);
        for (int year = firstYear; year <= lastYear; year++)
        {
            int grade = year - fYear;
            var (from, count) = DaysOfYear(cal, year);
            if (grade is < 0 or > 9 || count < 20 || r.NextDouble() >= (grade <= 6 ? 0.09 : 0.06) * Math.Min(1, count / (double)SchoolDaysPerYear))
            {
                continue;
            }
            int length = r.NextDouble() < 0.65 ? 5 : 10;
            int start = from + r.Next(count);
            if (r.NextDouble() < 0.6)
            {
                // Next to a lov: the days just before it, or the first days back.
                int end = cal.NextBreakEnd(start + 1);
                if (end > 0 && end < from + count)
                {
                    start = r.NextDouble() < 0.5 ? Math.Max(from, end - length) : end;
                }
            }
            bool granted = r.NextDouble() < 0.85;
            int last = Math.Min(from + count, start + length);
            for (int g = start; g < last; g++)
            {
                events[g] = granted ? DayEvent.TripGranted : DayEvent.TripNotGranted;
            }
            trips.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{cal.Days[start]:yyyy-MM-dd} {last - start} dagar {(granted ? "beviljad" : "ej beviljad")}"));
        }
    }

    /// <summary>A chronic illness: a spell every few weeks, each a few days to two weeks, and school as usual in between.</summary>
    private static void LayChronicSpells(Random r, Course course, DayEvent[] events)
    {
        for (int g = Math.Max(0, course.Onset) + r.Next(course.SpellEvery); g < events.Length;
             g += Math.Max(5, course.SpellEvery + r.Next(-course.SpellEvery / 3, course.SpellEvery / 3 + 1)))
        {
            int length = r.Next(course.SpellMin, course.SpellMax + 1);
            for (int d = g; d < Math.Min(events.Length, g + length); d++)
            {
                events[d] = DayEvent.ChronicSpell;
            }
        }
    }

    /// <summary>The first school day of a school year in the history and how many it has there.</summary>
    private static (int From, int Count) DaysOfYear(RegionalCalendar cal, int year)
    {
        int from = -1, count = 0;
        for (int g = 0; g < cal.Days.Length; g++)
        {
            if (RegionalCalendar.SchoolYearOf(cal.Days[g]) == year)
            {
                from = from < 0 ? g : from;
                count++;
            }
        }
        return (Math.Max(0, from), count);
    }

    private static double Normal(Random r) =>
        Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
