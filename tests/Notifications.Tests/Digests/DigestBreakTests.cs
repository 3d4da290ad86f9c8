using Skolnarvaro.Calendar;
using Skolnarvaro.Notifications.Digests;

namespace Skolnarvaro.Notifications.Tests.Digests;

/// <summary>
/// The cadence keeps to the school calendar (the default one: jullov from Monday 21 December 2026 to Thursday 7 January
/// 2027, VT from Friday 8 January): no digest day falls in a break, and the news waits for the first one after it.
/// </summary>
public sealed class DigestBreakTests
{
    private const string School = "11111111";
    private static readonly SchoolCalendar Calendar = new(new CalendarOptions());
    private static readonly DateOnly LastBeforeJullov = new(2026, 12, 14);
    private static readonly DateOnly FirstAfterJullov = new(2027, 1, 11);

    [Fact]
    public void A_weekly_school_composed_on_14_December_is_due_on_no_Monday_of_jullov_and_on_11_January()
    {
        var weekly = new DigestSettings();

        foreach (var monday in new DateOnly[] { new(2026, 12, 21), new(2026, 12, 28), new(2027, 1, 4) })
        {
            weekly.IsDue(School, monday, LastBeforeJullov, Calendar).Should().BeFalse($"{monday:yyyy-MM-dd} is in jullov");
            weekly.NextDate(School, monday, LastBeforeJullov, Calendar).Should().Be(FirstAfterJullov);
        }

        weekly.IsDue(School, new DateOnly(2027, 1, 8), LastBeforeJullov, Calendar).Should().BeFalse("VT's first day is a Friday");
        weekly.IsDue(School, FirstAfterJullov, LastBeforeJullov, Calendar).Should().BeTrue();
        weekly.IsDue(School, FirstAfterJullov.AddDays(1), LastBeforeJullov, Calendar).Should().BeTrue("a missed digest day is made up the next night");
    }

    [Fact]
    public void A_nightly_or_urgent_school_hears_nothing_in_jullov_unless_it_sends_in_breaks()
    {
        var nightly = new DigestSettings { Schedule = DigestCadence.Nightly, Urgent = true };
        var always = new DigestSettings { Schedule = DigestCadence.Nightly, Urgent = true, SendInBreaks = true };
        var christmas = new DateOnly(2026, 12, 23);

        (nightly.IsDue(School, christmas, christmas.AddDays(-1), Calendar), nightly.UrgentOn(School, christmas, Calendar)).Should().Be((false, false));
        (always.IsDue(School, christmas, christmas.AddDays(-1), Calendar), always.UrgentOn(School, christmas, Calendar)).Should().Be((true, true));
        nightly.NextDate(School, christmas, christmas.AddDays(-1), Calendar).Should().Be(new DateOnly(2027, 1, 8));
    }

    [Fact]
    public void After_the_summer_the_first_weekly_digest_is_HTs_first_Monday()
    {
        var weekly = new DigestSettings();
        var lastOfVt = new DateOnly(2026, 6, 8);

        weekly.IsDue(School, new DateOnly(2026, 7, 6), lastOfVt, Calendar).Should().BeFalse();
        weekly.NextDate(School, new DateOnly(2026, 6, 15), lastOfVt, Calendar).Should().Be(new DateOnly(2026, 8, 17));
        weekly.IsDue(School, new DateOnly(2026, 8, 17), lastOfVt, Calendar).Should().BeTrue();
    }
}
