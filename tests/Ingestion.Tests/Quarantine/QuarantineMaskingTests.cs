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
}
