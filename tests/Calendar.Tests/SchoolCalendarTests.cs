namespace Skolnarvaro.Calendar.Tests;

/// <summary>
/// The default calendar is the Swedish school year as municipalities keep it (Stockholm's customs where regions differ),
/// checked against the real dates of 2026/27; configuration replaces what it names and nothing else.
/// </summary>
public sealed class SchoolCalendarTests
{
    private const string School = "11111111";
    private static readonly SchoolCalendar Default = new(new CalendarOptions());

    [Fact]
    public void The_default_terms_of_2026_27_are_17_August_to_18_December_and_8_January_to_11_June()
    {
        Default.TermOn(School, new DateOnly(2026, 10, 1)).Should().Be(new CalendarTerm("HT2026", new(2026, 8, 17), new(2026, 12, 18)));
        Default.TermOn(School, new DateOnly(2027, 3, 1)).Should().Be(new CalendarTerm("VT2027", new(2027, 1, 8), new(2027, 6, 11)));
        Default.TermOn(School, new DateOnly(2026, 12, 28)).Should().BeNull("jullov is between the terms");
        Default.TermOn(School, new DateOnly(2027, 7, 1)).Should().BeNull("so is the summer");
    }

    [Fact]
    public void The_default_breaks_of_2026_27_are_hostlov_week_44_sportlov_week_9_and_pasklov_after_Easter()
    {
        Default.Of(School, 2026).Breaks.Should().ContainSingle(b => b.Name == "Höstlov")
            .Which.Should().Be(new CalendarBreak("Höstlov", new(2026, 10, 26), new(2026, 10, 30)));
        Default.Of(School, 2027).Breaks.Where(b => b.From.Month < 7).Should().Equal(
            new CalendarBreak("Sportlov", new(2027, 3, 1), new(2027, 3, 5)),
            new CalendarBreak("Påsklov", new(2027, 3, 29), new(2027, 4, 2)));
    }

    [Theory]
    [InlineData("2026-12-18", true, "HT's last day")]
    [InlineData("2026-12-21", false, "jullov")]
    [InlineData("2027-01-07", false, "jullov's last day")]
    [InlineData("2027-01-08", true, "VT's first day")]
    [InlineData("2027-03-26", false, "långfredag")]
    [InlineData("2027-05-06", false, "Kristi himmelsfärds dag")]
    [InlineData("2027-05-07", false, "klämdag")]
    [InlineData("2027-05-10", true, "an ordinary Monday")]
    [InlineData("2026-10-24", false, "a Saturday")]
    public void A_day_is_a_school_day_by_the_default_calendar(string date, bool schoolDay, string because)
    {
        Default.IsSchoolDay(School, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)).Should().Be(schoolDay, because);
    }

    [Fact]
    public void The_default_school_year_2026_27_has_183_school_days_at_least_the_178_of_skollagen()
    {
        // HT: 90 weekdays less höstlov. VT: 111 weekdays less sportlov, påsklov, långfredag, Kristi himmelsfärd and klämdag.
        Default.DaysBetween(School, new DateOnly(2026, 8, 16), new DateOnly(2026, 12, 31)).Should().Be(85);
        Default.DaysBetween(School, new DateOnly(2026, 12, 31), new DateOnly(2027, 7, 31)).Should().Be(98);
    }

    [Fact]
    public void A_weekend_in_a_term_is_no_break_and_a_weekday_in_jullov_is()
    {
        Default.IsBreak(School, new DateOnly(2026, 10, 10)).Should().BeFalse();
        Default.IsBreak(School, new DateOnly(2026, 12, 28)).Should().BeTrue();
        Default.IsBreak(School, new DateOnly(2026, 11, 2)).Should().BeFalse("höstlov ended on Friday");
    }

    [Fact]
    public void A_schools_own_sportlov_replaces_the_municipalitys_and_leaves_the_rest()
    {
        var own = new CalendarSettings { Breaks = [new BreakSettings { Name = "sportlov", From = "2027-02-22", To = "2027-02-26" }] };
        var calendar = new SchoolCalendar(new CalendarOptions
        {
            Holidays = ["2027-05-10"],
            Schools = [new SchoolCalendarEntry { Skolenhetskod = "22222222", Calendar = own }],
        });

        (calendar.IsSchoolDay("22222222", new DateOnly(2027, 2, 22)), calendar.IsSchoolDay("22222222", new DateOnly(2027, 3, 1)))
            .Should().Be((false, true), "the school's sportlov is week 8");
        (calendar.IsSchoolDay(School, new DateOnly(2027, 2, 22)), calendar.IsSchoolDay(School, new DateOnly(2027, 3, 1)))
            .Should().Be((true, false), "the municipality's is week 9");
        calendar.IsSchoolDay("22222222", new DateOnly(2027, 5, 10)).Should().BeFalse("the municipality's holidays hold for the school too");
        calendar.IsSchoolDay("22222222", new DateOnly(2026, 10, 26)).Should().BeFalse("the school keeps the municipality's höstlov");
    }

    [Fact]
    public void A_term_configured_for_the_municipality_replaces_the_computed_one_of_its_half_year()
    {
        var calendar = new SchoolCalendar(new CalendarOptions { Terms = [new TermSettings { Start = "2026-08-19", End = "2026-12-22" }] });

        calendar.TermOn(School, new DateOnly(2026, 9, 1)).Should().Be(new CalendarTerm("HT2026", new(2026, 8, 19), new(2026, 12, 22)));
        (calendar.IsSchoolDay(School, new DateOnly(2026, 8, 17)), calendar.IsSchoolDay(School, new DateOnly(2026, 12, 21)))
            .Should().Be((false, true));
        calendar.TermOn(School, new DateOnly(2027, 3, 1))!.Start.Should().Be(new DateOnly(2027, 1, 8), "VT2027 stays computed");
    }
}
