using Skolnarvaro.Ingestion.Identity;

namespace Skolnarvaro.Ingestion.Tests.Identity;

/// <summary>Personnummer and samordningsnummer: forms, century, check digit, dates, gender.</summary>
public sealed class PersonnummerTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    /// <summary>YYMMDDNNN plus its Luhn check digit, computed here independently of the product.</summary>
    private static string WithCheckDigit(string nineDigits)
    {
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            var v = (nineDigits[i] - '0') * (i % 2 == 0 ? 2 : 1);
            sum += v > 9 ? v - 9 : v;
        }

        return nineDigits + (10 - sum % 10) % 10;
    }

    private static Personnummer Parse(string text)
    {
        Personnummer.TryParse(text, Today, out var pnr, out var error).Should().BeTrue($"'{text}' is valid, but: {error}");
        return pnr;
    }

    private static string Rejected(string text)
    {
        Personnummer.TryParse(text, Today, out _, out var error).Should().BeFalse($"'{text}' is not a valid personnummer");
        error.Should().NotBeNullOrWhiteSpace();
        return error;
    }

    [Theory]
    [InlineData("201304172321")]
    [InlineData("20130417-2321")]
    [InlineData("1304172321")]
    [InlineData("130417-2321")]
    [InlineData(" 20130417-2321 ")]
    [InlineData("20130417 2321")]
    public void Ten_and_twelve_digits_with_or_without_a_dash_are_the_same_person(string text)
    {
        var pnr = Parse(text);

        pnr.Digits12.Should().Be(201304172321);
        pnr.BirthDate.Should().Be(new DateOnly(2013, 4, 17));
        pnr.IsSamordningsnummer.Should().BeFalse();
    }

    [Fact]
    public void A_plus_means_the_holder_has_turned_100()
    {
        var pnr = Parse("130417+2321");

        pnr.BirthDate.Should().Be(new DateOnly(1913, 4, 17));
        pnr.Digits12.Should().Be(191304172321);
    }

    [Fact]
    public void Ten_digits_take_the_latest_century_that_puts_the_birth_on_or_before_today()
    {
        Parse(WithCheckDigit("261123234")).BirthDate.Should().Be(new DateOnly(2026, 11, 23), "born today");
        Parse(WithCheckDigit("261124234")).BirthDate.Should().Be(new DateOnly(1926, 11, 24), "tomorrow in 2026 has not happened yet");
        Parse(WithCheckDigit("991231234")).BirthDate.Should().Be(new DateOnly(1999, 12, 31));
    }

    [Fact]
    public void Ten_digit_samordningsnummer_take_their_century_from_the_real_day_of_birth()
    {
        // Day 74 is the 14th, before today (the 23rd): born this year. The day must not be read as "31 or later".
        var pnr = Parse(WithCheckDigit("261174234"));

        pnr.BirthDate.Should().Be(new DateOnly(2026, 11, 14));
        pnr.IsSamordningsnummer.Should().BeTrue();
    }

    [Fact]
    public void A_wrong_check_digit_is_rejected_as_a_Luhn_failure()
    {
        Rejected("20130417-2322").Should().Contain("Luhn");
        Rejected("1304172320").Should().Contain("Luhn");
    }

    [Theory]
    [InlineData("20130974-3613")]
    [InlineData("130974-3613")]
    public void A_samordningsnummer_has_sixty_added_to_the_day(string text)
    {
        var pnr = Parse(text);

        pnr.IsSamordningsnummer.Should().BeTrue();
        pnr.BirthDate.Should().Be(new DateOnly(2013, 9, 14));
        pnr.Gender.Should().Be('M');
    }

    [Theory]
    [InlineData("130417232", 'F')] // the ninth digit 2 is even
    [InlineData("130502411", 'M')] // 1 is odd
    [InlineData("121130071", 'M')]
    [InlineData("140228558", 'F')]
    public void The_gender_follows_the_second_to_last_digit(string nineDigits, char gender) =>
        Parse(WithCheckDigit(nineDigits)).Gender.Should().Be(gender);

    [Theory]
    [InlineData("130017234")] // month 00
    [InlineData("131317234")] // month 13
    [InlineData("130400234")] // day 00
    [InlineData("130431234")] // 31 April
    [InlineData("130230234")] // 30 February
    [InlineData("130229234")] // 29 February 2013 is not a leap day
    [InlineData("130132234")] // day 32: neither a date nor a samordningsnummer (61–91)
    [InlineData("130160234")] // day 60
    [InlineData("130192234")] // samordningsnummer for 32 January
    [InlineData("130289234")] // samordningsnummer for 29 February 2013
    public void A_check_digit_on_an_impossible_date_is_still_rejected(string nineDigits)
    {
        var text = WithCheckDigit(nineDigits);

        Rejected(text).Should().Contain("date of birth");
        Rejected("20" + text).Should().Contain("date of birth");
    }

    [Theory]
    [InlineData("120229234")] // 29 February 2012 is a leap day
    [InlineData("120289234")] // and its samordningsnummer
    [InlineData("130161234")] // samordningsnummer for 1 January
    [InlineData("130191234")] // samordningsnummer for 31 January
    public void Leap_days_and_the_edges_of_samordningsnummer_are_valid(string nineDigits) =>
        Parse(WithCheckDigit(nineDigits));

    [Theory]
    [InlineData("")]
    [InlineData("130417232")]      // 9 digits
    [InlineData("13041723211")]    // 11 digits
    [InlineData("2013041723211")]  // 13 digits
    [InlineData("130417-232")]
    [InlineData("13O417-2321")]    // letter O, not zero
    [InlineData("130417/2321")]
    [InlineData("130417--2321")]
    public void Anything_but_10_or_12_digits_is_rejected(string text) => Rejected(text);

    [Fact]
    public void A_cut_off_twelve_digit_number_is_not_read_as_a_ten_digit_one()
    {
        // "20110312-12" plus a check digit is 10 digits with valid Luhn, which read as YYMMDDNNNC is 3 November 2020.
        var tenDigits = WithCheckDigit("201103121");
        var text = $"{tenDigits[..8]}-{tenDigits[8..]}";

        Rejected(text).Should().Contain("last four digits");
        Rejected("201304-172321").Should().Contain("last four digits");
    }

    [Fact]
    public void The_year_0000_is_rejected_instead_of_throwing()
    {
        var text = "00" + WithCheckDigit("000101234");

        Rejected(text).Should().Contain("date of birth");
    }

    [Fact]
    public void A_twelve_digit_number_born_in_the_future_is_rejected()
    {
        var text = "20" + WithCheckDigit("270101234");

        Rejected(text).Should().Contain("future");
    }

    [Fact]
    public void Its_text_never_shows_the_number()
    {
        var pnr = Parse("20130417-2321");

        pnr.ToString().Should().NotContain("0417").And.NotContain("2321").And.Contain("2013");
        $"{pnr}".Should().Be(pnr.ToString());
    }
}
