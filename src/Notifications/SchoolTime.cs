namespace Skolnarvaro.Notifications;

/// <summary>
/// The one place where a wall-clock time in school time (the <see cref="TimeProvider.LocalTimeZone"/>, Europe/Stockholm)
/// becomes an instant. Instants are UTC: PostgreSQL's <c>timestamptz</c> takes only offset 0 through Npgsql.
/// </summary>
public static class SchoolTime
{
    /// <summary>
    /// The instant, in UTC, at which the clocks of the school's zone show <paramref name="at"/> on <paramref name="date"/>.
    /// A time the spring change skips (02:30 on the last Sunday of March) is taken as the same time after the change
    /// (03:30); a time the autumn change shows twice is its first occurrence, in summer time.
    /// </summary>
    public static DateTimeOffset Instant(this TimeProvider time, DateOnly date, TimeOnly at)
    {
        var zone = time.LocalTimeZone;
        var local = date.ToDateTime(at, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local - offset, TimeSpan.Zero);
    }

    /// <summary>The school day (date in school time) of an instant.</summary>
    public static DateOnly SchoolDate(this TimeProvider time, DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, time.LocalTimeZone).DateTime);

    /// <summary>Today in school time.</summary>
    public static DateOnly SchoolToday(this TimeProvider time) => time.SchoolDate(time.GetUtcNow());
}
