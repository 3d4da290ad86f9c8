using System.Text.RegularExpressions;
using Skolnarvaro.Ingestion.Identity;
using Skolnarvaro.Ingestion.Quarantine;

namespace Skolnarvaro.Ingestion.Tests.Quarantine;

/// <summary>What of a bad value may be kept in quarantine: enough to find the row, never the serial that identifies.</summary>
public sealed class QuarantineMaskingTests
{
    [Theory]
    [InlineData("20130417-2322", "20130417-****")]
    [InlineData("201304172322", "20130417****")]
    [InlineData("130417-2322", "130417-****")]
    [InlineData("130417+2322", "130417+****")]
    [InlineData("1304172322", "130417****")]
    [InlineData("20130417-23", "201304**-**")]
    [InlineData("abc", "abc")]
    [InlineData("12", "12")]
    [InlineData("", "")]
    public void A_personnummer_column_value_loses_its_last_four_digits(string value, string masked) =>
        QuarantineMasking.MaskPersonnummer(value).Should().Be(masked);

    [Theory]
    [InlineData("2026-09-31", "2026-09-31")]
    [InlineData("14/09/2026", "14/09/2026")]
    [InlineData("Q", "Q")]
    [InlineData("abc", "abc")]
    [InlineData("Ring 20130417-2321 om sjukdom", "Ring 20130417-**** om sjukdom")]
    [InlineData("201304172321", "20130417****")]
    [InlineData("130417-2321/130417+2321", "130417-****/130417+****")]
    public void Any_other_value_has_personnummer_like_digit_runs_masked(string value, string masked) =>
        QuarantineMasking.MaskValue(value).Should().Be(masked);

    [Theory]
    [InlineData("full-width digits", "２０１３０４１７-２３２１", "20130417-****")]
    [InlineData("Arabic-Indic digits", "٢٠١٣٠٤١٧-٢٣٢١", "20130417-****")]
    [InlineData("Extended Arabic-Indic digits", "۲۰۱۳۰۴۱۷۲۳۲۱", "20130417****")]
    [InlineData("Devanagari digits", "२०१३०४१७-२३२१", "20130417-****")]
    [InlineData("a zero-width space", "20130417-\u200b2321", "20130417-****")]
    [InlineData("a soft hyphen and a word joiner", "2013\u00ad0417\u2060-2321", "20130417-****")]
    [InlineData("an en dash", "20130417\u20132321", "20130417\u2013****")]
    [InlineData("a no-break space", "20130417\u00a02321", "20130417 ****")]
    public void A_personnummer_in_other_digits_or_with_invisible_characters_is_masked_too(string form, string value, string masked)
    {
        var text = Regex.Unescape(value);
        QuarantineMasking.MaskValue(text).Should().Be(masked, form);
        QuarantineMasking.MaskPersonnummer(text).Should().Be(masked, form);
        QuarantineMasking.HoldsPersonnummer(text).Should().BeTrue(form);
    }
}

/// <summary>Issue 13, finding 6: "20190308 0594" was accepted by the parser but escaped masking and was logged in clear.</summary>
public sealed class EveryAcceptedPersonnummerFormIsMaskedTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);

    /// <summary>Every way of writing the number that <see cref="Personnummer.TryParse"/> accepts, generated, not listed by hand.</summary>
    public static IEnumerable<object[]> AcceptedForms()
    {
        foreach (var digits in new[] { "201903080594", "1903080594", "201303172320", "1303172320" })
        {
            var date = digits[..^4];
            var serial = digits[^4..];
            foreach (var separator in new[] { "", "-", "+", " ", " - ", "  " })
            {
                foreach (var spaced in new[] { date, string.Join(' ', date.Chunk(2).Select(c => new string(c))), string.Join(' ', date.ToCharArray()) })
                {
                    var form = spaced + separator + serial;
                    if (Personnummer.TryParse(form, Today, out _, out _))
                    {
                        yield return [form, serial];
                    }
                }
            }
        }
    }

    [Fact]
    public void Every_generated_form_is_one_the_parser_accepts() => AcceptedForms().Should().HaveCount(36, "two numbers, each in 18 forms");

    [Theory]
    [MemberData(nameof(AcceptedForms))]
    public void Every_form_the_parser_accepts_is_masked_alone_and_inside_a_message(string form, string serial)
    {
        QuarantineMasking.MaskValue(form).Should().NotContain(serial).And.EndWith("****");
        QuarantineMasking.MaskValue($"rad 3: '{form}' är fel").Should().NotContain(serial);
        QuarantineMasking.MaskPersonnummer(form).Should().NotContain(serial).And.EndWith("****");
        Regex.Replace(QuarantineMasking.MaskValue(form), @"\D", "").Length.Should().Be(form.Count(char.IsAsciiDigit) - 4,
            "only the four digits that identify are hidden; the date part helps find the row");
    }
}
