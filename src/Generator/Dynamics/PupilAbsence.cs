namespace Skolnarvaro.Generator.Dynamics;

/// <summary>What a whole school day holds for a pupil before the day is simulated lesson by lesson.</summary>
internal enum DayEvent : byte
{
    None,
    /// <summary>An ordinary illness (a cold, a stomach bug) or a class outbreak: giltig, reported by the guardians.</summary>
    Sick,
    /// <summary>A spell of a chronic illness.</summary>
    ChronicSpell,
    /// <summary>A family trip the rektor granted (ledighet): giltig.</summary>
    TripGranted,
    /// <summary>A family trip taken without leave: ogiltig.</summary>
    TripNotGranted,
}

/// <summary>
/// One pupil's absence over the history of this generator. The whole-day events (sick spells, trips, chronic spells,
/// later the class's outbreaks) are laid out day by day when the pupil is created; the day itself — which lessons, how
/// many minutes, giltig or ogiltig — is a pure function of (seed, pupil, school day), so exports can be written in any order.
/// </summary>
internal sealed class PupilAbsence : IAbsenceBehaviour
{
    /// <summary>Whole days off on an ordinary Friday and on the last day before a lov (the 'Friday effect').</summary>
    private const double LongWeekend = 0.006;
    private const double LongWeekendBeforeLov = 0.015;

    private readonly int seed;
    private readonly int pupilId;
    private readonly RegionalCalendar calendar;
    private readonly DayEvent[] events;

    public PupilAbsence(int seed, int pupilId, RegionalCalendar calendar, Course course, OrdinaryHabits habits, DayEvent[] events)
    {
        this.seed = seed;
        this.pupilId = pupilId;
        this.calendar = calendar;
        Course = course;
        Habits = habits;
        this.events = events;
    }

    public Course Course { get; }
    public OrdinaryHabits Habits { get; }
    public List<string> Trips { get; } = [];
    public int OutbreakDays { get; private set; }

    public DayEvent EventOn(int g) => this.events[g];

    public int CountEvents(DayEvent kind) => this.events.Count(e => e == kind);

    /// <summary>An outbreak in the pupil's class: ill on these school days unless already away.</summary>
    public void FallIll(int from, int length)
    {
        for (int g = from; g < Math.Min(this.events.Length, from + length); g++)
        {
            if (this.events[g] == DayEvent.None)
            {
                this.events[g] = DayEvent.Sick;
                OutbreakDays++;
            }
        }
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
        var dow = cal.Days[day].DayOfWeek;
        var r = Det.Stream(this.seed, DynamicsSalt.Day, this.pupilId, g);
        switch (this.events[g])
        {
            case DayEvent.Sick:
                // A few older pupils' sick days are never called in, and stay ogiltig.
                DayParts.WholeDay(r.NextDouble() < Habits.UnreportedSickShare ? LessonStatus.Unexcused : LessonStatus.Excused, lessons, result);
                return;
            case DayEvent.ChronicSpell:
            case DayEvent.TripGranted:
                DayParts.WholeDay(LessonStatus.Excused, lessons, result);
                return;
            case DayEvent.TripNotGranted:
                DayParts.WholeDay(LessonStatus.Unexcused, lessons, result);
                return;
        }

        double intensity = Course.Intensity(g, dow, this.calendar.SinceBreak[g] < 5);
        if (intensity > 0 && r.NextDouble() < intensity)
        {
            var status = r.NextDouble() < Course.ExcusedShare(g) ? LessonStatus.Excused : LessonStatus.Unexcused;
            if (r.NextDouble() < Course.Wholeness(g))
            {
                DayParts.WholeDay(status, lessons, result);
            }
            else
            {
                DayParts.Partial(r, lessons, result, status, leaveEarly: Course.Kind == CourseKind.MondayFriday && dow == DayOfWeek.Friday);
            }
            return;
        }
        if (r.NextDouble() < (this.calendar.BeforeBreak[g] ? LongWeekendBeforeLov : dow == DayOfWeek.Friday ? LongWeekend : 0))
        {
            // A Friday or the day before a lov taken off to make a long weekend or an earlier start of the holiday.
            DayParts.WholeDay(r.NextDouble() < 0.8 ? LessonStatus.Excused : LessonStatus.Unexcused, lessons, result);
            return;
        }
        DayParts.Ordinary(r, lessons, result, Habits, dow);
    }
}
