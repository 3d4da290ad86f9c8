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

    /// <summary>Per-school schedules by skolenhetskod; a key left out keeps the value above.</summary>
    public Dictionary<string, DigestSchedule> Schools { get; set; } = [];

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
    /// the latest scheduled day up to the date is after it. A digest day the nightly run missed is made up the next night.
    /// </summary>
    public bool IsDue(string school, DateOnly date, DateOnly? lastComposed)
    {
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

        var latestScheduled = Enumerable.Range(0, 7).Select(i => date.AddDays(-i)).First(d => days.Contains(d.DayOfWeek));
        return lastComposed is null || lastComposed < latestScheduled;
    }

    /// <summary>The next date the school's digest goes after <paramref name="date"/> (the date itself when due and not yet composed).</summary>
    public DateOnly NextDate(string school, DateOnly date, DateOnly? lastComposed)
    {
        if (IsDue(school, date, lastComposed))
        {
            return date;
        }

        return Enumerable.Range(1, 7).Select(date.AddDays).First(d => IsDue(school, d, lastComposed));
    }
}
