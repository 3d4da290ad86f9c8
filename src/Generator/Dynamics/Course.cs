namespace Skolnarvaro.Generator.Dynamics;

/// <summary>
/// The course a pupil's absence takes, after the published descriptions in docs/history-generators.md. A pupil has at
/// most one lasting course; everyone also has the ordinary layer (sick days, appointments, the odd late arrival), the
/// class's outbreaks and perhaps a family trip.
/// </summary>
public enum CourseKind
{
    /// <summary>Only the ordinary layer: the odd sick day, an appointment, sometimes late.</summary>
    Healthy,
    /// <summary>Slow withdrawal: late arrivals and single lessons first, then part days, then whole days, over weeks.</summary>
    GradualWithdrawal,
    /// <summary>The problem starts at the first school day after a lov or a term break and is established within days.</summary>
    HolidayOnset,
    /// <summary>Mondays and Fridays missed more and more (longer weekends), the rest of the week mostly attended.</summary>
    MondayFriday,
    /// <summary>After a conflict, from one day to the next nearly every day missed; sometimes a return weeks later.</summary>
    SuddenRefusal,
    /// <summary>A chronic illness: recurring spells of several days with full returns to normal in between.</summary>
    ChronicIllness,
}

/// <summary>
/// One pupil's lasting course: its kind, the school day it begins (an index into the history, negative when it began
/// before the history) and its shape. <see cref="Intensity"/> is the probability that the pupil misses some of a school
/// day because of the course; how much of the day is missed is <see cref="Wholeness"/>.
/// </summary>
internal sealed class Course
{
    public static readonly Course None = new() { Kind = CourseKind.Healthy, Onset = int.MaxValue };

    public required CourseKind Kind { get; init; }
    public required int Onset { get; init; }
    /// <summary>School days from the onset to the plateau.</summary>
    public int Ramp { get; init; }
    /// <summary>The plateau: the share of school days (or of Mondays and Fridays) with absence.</summary>
    public double Peak { get; init; }
    /// <summary>School days after the onset when a return begins (int.MaxValue: no return within the history).</summary>
    public int ReturnAfter { get; init; } = int.MaxValue;
    /// <summary>School days a return takes.</summary>
    public int ReturnDays { get; init; } = 1;
    /// <summary>What remains after a return.</summary>
    public double Residual { get; init; }
    /// <summary>Chronic illness: school days between the starts of two spells, and a spell's length range.</summary>
    public int SpellEvery { get; init; }
    public int SpellMin { get; init; }
    public int SpellMax { get; init; }

    public bool IsLasting => Kind is not CourseKind.Healthy;

    /// <summary>Probability of some course-driven absence on global school day <paramref name="g"/> (weekday pattern and
    /// the week after a lov included).</summary>
    public double Intensity(int g, DayOfWeek day, bool weekAfterBreak)
    {
        int t = g - Onset;
        if (t < 0 || Kind is CourseKind.Healthy or CourseKind.ChronicIllness)
        {
            return 0;
        }
        double level = Level(t);
        switch (Kind)
        {
            case CourseKind.MondayFriday:
                return day is DayOfWeek.Monday or DayOfWeek.Friday ? level : 0.12 * level;
            case CourseKind.HolidayOnset:
                // The new start is hardest on Mondays.
                return Math.Min(1, level * (day == DayOfWeek.Monday ? 1.25 : 1));
            case CourseKind.GradualWithdrawal:
                // Each return to school after a lov is harder than the weeks before it.
                return Math.Min(1, level * (weekAfterBreak ? 1.4 : 1) * (day == DayOfWeek.Monday ? 1.15 : 1));
            default:
                return level;
        }
    }

    /// <summary>How much of an absent day is missed: 1 means whole days, 0 late arrivals and single lessons.</summary>
    public double Wholeness(int g)
    {
        int t = g - Onset;
        return Kind switch
        {
            CourseKind.SuddenRefusal => 0.95,
            CourseKind.MondayFriday => 0.6,
            CourseKind.HolidayOnset => 0.75,
            // Withdrawal starts with late arrivals and single lessons; whole days come as it deepens.
            CourseKind.GradualWithdrawal => SmoothStep((Level(t) / Math.Max(0.01, Peak) - 0.25) / 0.75) * 0.85,
            _ => 0,
        };
    }

    /// <summary>The share of course absence the guardians report as sick (giltig): high at first, falling as it lasts.</summary>
    public double ExcusedShare(int g)
    {
        int t = Math.Max(0, g - Onset);
        return Kind switch
        {
            CourseKind.SuddenRefusal => 0.3,
            CourseKind.MondayFriday => 0.45,
            _ => 0.7 - 0.4 * SmoothStep(t / 120.0),
        };
    }

    private double Level(int t)
    {
        double rise = Ramp <= 0 ? 1 : SmoothStep(t / (double)Ramp);
        double level = Peak * rise;
        if (t >= ReturnAfter)
        {
            double back = SmoothStep((t - ReturnAfter) / (double)Math.Max(1, ReturnDays));
            level = level + (Residual - level) * back;
        }
        return level;
    }

    internal static double SmoothStep(double x) => x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x);
}
