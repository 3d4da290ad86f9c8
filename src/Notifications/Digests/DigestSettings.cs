using Skolnarvaro.Calendar;

namespace Skolnarvaro.Notifications.Digests;

/// <summary>How often a school's digest goes: once a week, on chosen weekdays, or after every nightly run.</summary>
public enum DigestCadence { Weekly, Weekdays, Nightly }

/// <summary>When a school's digest goes (Skolnarvaro:Notifications:Digest, and per school under Schools:&lt;skolenhetskod&gt;).</summary>
public class DigestSchedule
{
    public DigestCadence? Schedule { get; set; }
    /// <summary>The day of a weekly digest.</summary>
    public DayOfWeek? Weekday { get; set; }
    /// <summary>The days of a <see cref="DigestCadence.Weekdays"/> digest.</summary>
    public List<DayOfWeek>? Weekdays { get; set; }
    /// <summary>The time of day (school time) the digest is sent; the nightly run composes it earlier.</summary>
    public TimeOnly? Time { get; set; }
}

/// <summary>Skolnarvaro:Notifications:Digest: cadence, length and urgency of the rektors' digests.</summary>
public sealed class DigestSettings : DigestSchedule
{
    public DigestSettings()
    {
        Schedule = DigestCadence.Weekly;
        Weekday = DayOfWeek.Monday;
        Time = new TimeOnly(7, 0);
    }

    /// <summary>Pupil cards at most; the rest are one line per level and class (or a compact list in the first digest).</summary>
    public int MaxPupils { get; set; } = 15;

    /// <summary>A pupil new at hög frånvaro goes out the next morning instead of waiting for the school's digest day.</summary>
    public bool Urgent { get; set; }

    /// <summary>
    /// Digests also go in the school calendar's breaks (lov, jullov, holidays). Off by default: a digest day in a break is
    /// skipped and its news waits for the first digest day after it, when the rektor is back.
    /// </summary>
    public bool SendInBreaks { get; set; }

    /// <summary>Per-school schedules by skolenhetskod; a key left out keeps the value above.</summary>
    public Dictionary<string, DigestSchedule> Schools { get; set; } = [];

    /// <summary>The mentors' digest: their classes' pupils (defaults: every level, weekly with the rektorer's).</summary>
    public Groups.GroupDigestSettings Mentor { get; set; } = new();

    /// <summary>Elevhälsan's digest: the school's pupils at hög frånvaro and with long whole-day spells, with the steps taken.</summary>
    public Groups.GroupDigestSettings Elevhalsan { get; set; } = new();

    /// <summary>
    /// The skolnärvaroteam's digest: the pupils whose support the schools it serves have requested and it has not ended, to each
    /// team address across those schools (defaults: weekly with the rektorer's, 20 cards). Levels and LongSpells do not apply.
    /// </summary>
    public Groups.GroupDigestSettings Skolnarvaroteam { get; set; } = new();

    /// <summary>The rules of one group's digest, its own keys over its defaults.</summary>
    public Groups.GroupRules ForGroup(Skolnarvaro.Schools.RecipientGroup group) => group switch
    {
        Skolnarvaro.Schools.RecipientGroup.Mentor => Mentor.Rules(group, this),
        Skolnarvaro.Schools.RecipientGroup.Skolnarvaroteam => Skolnarvaroteam.Rules(group, this),
        _ => Elevhalsan.Rules(group, this),
    };

    /// <summary>The days and time that apply to one school.</summary>
    public (IReadOnlySet<DayOfWeek>? Days, TimeOnly Time) For(string school)
    {
        var own = Schools.GetValueOrDefault(school);
        var cadence = own?.Schedule ?? Schedule ?? DigestCadence.Weekly;
        var time = own?.Time ?? Time ?? new TimeOnly(7, 0);
        return cadence switch
        {
            DigestCadence.Nightly => (null, time),
            DigestCadence.Weekdays => ((own?.Weekdays ?? Weekdays ?? [DayOfWeek.Monday]).ToHashSet(), time),
            _ => (new HashSet<DayOfWeek> { own?.Weekday ?? Weekday ?? DayOfWeek.Monday }, time),
        };
    }

    /// <summary>
    /// Whether a digest is due on <paramref name="date"/> for a school last composed on <paramref name="lastComposed"/>:
    /// the latest digest day up to the date is after it. A digest day the nightly run missed is made up the next night;
    /// in a break (unless <see cref="SendInBreaks"/>) nothing is due, and a digest day in a break is no digest day.
    /// </summary>
    public bool IsDue(string school, DateOnly date, DateOnly? lastComposed, SchoolCalendar calendar)
    {
        if (InBreak(school, date, calendar))
        {
            return false;
        }

        if (lastComposed is null)
        {
            // The go-live overview goes on a weekday, not at 07:00 on a Sunday because the first night was a weekend.
            return date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
        }

        var (days, _) = For(school);
        if (days is null)
        {
            return lastComposed is null || lastComposed < date;
        }

        // A break can be a whole summer long: look back past it to the last digest day before it.
        var latestScheduled = Enumerable.Range(0, 366).Select(i => date.AddDays(-i))
            .FirstOrDefault(d => days.Contains(d.DayOfWeek) && !InBreak(school, d, calendar), DateOnly.MinValue);
        return latestScheduled != DateOnly.MinValue && (lastComposed is null || lastComposed < latestScheduled);
    }

    /// <summary>The next date the school's digest goes after <paramref name="date"/> (the date itself when due and not yet composed).</summary>
    public DateOnly NextDate(string school, DateOnly date, DateOnly? lastComposed, SchoolCalendar calendar)
    {
        var (days, _) = For(school);
        if (IsDue(school, date, lastComposed, calendar))
        {
            return date;
        }

        if (lastComposed is null)
        {
            return Enumerable.Range(1, 366).Select(date.AddDays).FirstOrDefault(d => IsDue(school, d, null, calendar), date.AddDays(1));
        }

        var next = Enumerable.Range(1, 366).Select(date.AddDays).Where(d => days is null || days.Contains(d.DayOfWeek)).ToList();
        // A calendar with no school day within a year (all holidays by mistake) still names the next cadence day.
        return next.FirstOrDefault(d => !InBreak(school, d, calendar), next[0]);
    }

    /// <summary>Whether an urgent digest may go on <paramref name="date"/>: urgency waits out a break too.</summary>
    public bool UrgentOn(string school, DateOnly date, SchoolCalendar calendar) => Urgent && !InBreak(school, date, calendar);

    private bool InBreak(string school, DateOnly date, SchoolCalendar calendar) => !SendInBreaks && calendar.IsBreak(school, date);
}
