using System.Globalization;

namespace Skolnarvaro.Generator;

/// <summary>How a school's export writes the personnummer.</summary>
internal enum PnrStyle
{
    /// <summary><c>YYYYMMDD-NNNC</c></summary>
    Dash12,
    /// <summary><c>YYYYMMDDNNNC</c></summary>
    Plain12,
    /// <summary><c>YYMMDD-NNNC</c></summary>
    Dash10,
}

/// <summary>Builds valid (Luhn-checked) synthetic personnummer and samordningsnummer.</summary>
internal static class SyntheticPersonnummer
{
    /// <summary>
    /// Returns the 12 digits <c>YYYYMMDDNNNC</c>. For a samordningsnummer the day is +60.
    /// The third serial digit is odd for boys and even for girls.
    /// </summary>
    public static string Create(DateOnly birth, int serial2, int genderDigit, bool samordning)
    {
        int day = birth.Day + (samordning ? 60 : 0);
        string nine = string.Create(CultureInfo.InvariantCulture,
            $"{birth.Year % 100:00}{birth.Month:00}{day:00}{serial2:00}{genderDigit}");
        int check = Luhn(nine);
        return string.Create(CultureInfo.InvariantCulture, $"{birth.Year / 100:00}{nine}{check}");
    }

    /// <summary>Luhn check digit over the 9 digits YYMMDDNNN (weights 2,1,2,1,…).</summary>
    public static int Luhn(ReadOnlySpan<char> nineDigits)
    {
        int sum = 0;
        for (int i = 0; i < nineDigits.Length; i++)
        {
            int d = (nineDigits[i] - '0') * (i % 2 == 0 ? 2 : 1);
            sum += d > 9 ? d - 9 : d;
        }
        return (10 - (sum % 10)) % 10;
    }

    public static bool IsValid12(string twelve) =>
        twelve.Length == 12 && twelve.All(char.IsAsciiDigit) && Luhn(twelve.AsSpan(2, 9)) == twelve[11] - '0';

    public static string Format(string twelve, PnrStyle style) => style switch
    {
        PnrStyle.Dash12 => string.Concat(twelve.AsSpan(0, 8), "-", twelve.AsSpan(8, 4)),
        PnrStyle.Plain12 => twelve,
        PnrStyle.Dash10 => string.Concat(twelve.AsSpan(2, 6), "-", twelve.AsSpan(8, 4)),
        _ => throw new ArgumentOutOfRangeException(nameof(style)),
    };

    /// <summary>The same number with a wrong check digit (a typo in the export).</summary>
    public static string WithBadCheckDigit(string formatted, int shift)
    {
        char last = formatted[^1];
        int wrong = (last - '0' + 1 + (shift % 9)) % 10;
        return string.Concat(formatted.AsSpan(0, formatted.Length - 1), ((char)('0' + wrong)).ToString());
    }
}
