using Skolnarvaro.Notifications;

namespace Skolnarvaro.Notifications.Tests.Time;

/// <summary>Instants are UTC whatever the school's offset: Npgsql writes only offset 0 to <c>timestamptz</c>.</summary>
public sealed class SchoolTimeTests
{
    private sealed class StockholmTime : TimeProvider
    {
        public override TimeZoneInfo LocalTimeZone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");
    }

    private static readonly TimeProvider Stockholm = new StockholmTime();

    [Theory]
    [InlineData("2026-12-14", "07:00", "2026-12-14T06:00:00Z")] // winter: CET, UTC+1
    [InlineData("2026-10-19", "07:00", "2026-10-19T05:00:00Z")] // summer: CEST, UTC+2
    [InlineData("2027-03-28", "02:30", "2027-03-28T01:30:00Z")] // skipped by the spring change: 03:30 CEST
    [InlineData("2026-10-25", "02:30", "2026-10-25T00:30:00Z")] // shown twice in the autumn: the first, in summer time
    [InlineData("2026-12-15", "00:00", "2026-12-14T23:00:00Z")] // midnight is the day before in UTC
    public void A_school_time_is_the_utc_instant_the_clocks_in_Stockholm_show(string date, string at, string expected)
    {
        var instant = Stockholm.Instant(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture),
            TimeOnly.Parse(at, System.Globalization.CultureInfo.InvariantCulture));

        instant.Offset.Should().Be(TimeSpan.Zero, "Npgsql refuses any other offset for timestamptz");
        instant.Should().Be(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_school_date_of_an_instant_is_the_date_in_Stockholm()
    {
        Stockholm.SchoolDate(DateTimeOffset.Parse("2026-12-13T23:30:00Z", System.Globalization.CultureInfo.InvariantCulture))
            .Should().Be(new DateOnly(2026, 12, 14));
    }
}
