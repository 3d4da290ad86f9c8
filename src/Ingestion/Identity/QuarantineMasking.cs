using System.Text.RegularExpressions;

namespace Skolnarvaro.Ingestion.Identity;

/// <summary>Keeps personnummer out of the quarantine table: enough is kept to find the row, not to identify the pupil.</summary>
public static partial class QuarantineMasking
{
    /// <summary>"YYYYMMDD-NNNC" → "YYYYMMDD-****": the date part helps find the row, the serial is what identifies.</summary>
    public static string MaskPersonnummer(string value)
    {
        var digits = value.Count(char.IsAsciiDigit);
        if (digits < 4)
        {
            return value;
        }

        var masked = value.ToCharArray();
        var toMask = Math.Min(4, digits);
        for (var i = masked.Length - 1; i >= 0 && toMask > 0; i--)
        {
            if (char.IsAsciiDigit(masked[i]))
            {
                masked[i] = '*';
                toMask--;
            }
        }

        return new string(masked);
    }

    /// <summary>
    /// Any other value: masks digit runs that look like a personnummer, wherever they appear, in every form the parser
    /// accepts: 10 or 12 digits, '-' or '+' before the last four, spaces anywhere between the digits.
    /// </summary>
    public static string MaskValue(string value) =>
        LongDigitRun().Replace(value, m => MaskPersonnummer(m.Value));

    /// <summary>
    /// Text about a file (a message, a column name, a reason) as it may be stored and logged: personnummer masked, and a
    /// NUL byte, which PostgreSQL text cannot hold, shown as <c>\0</c>.
    /// </summary>
    public static string ForStorage(string value) => MaskValue(value).Replace("\0", "\\0", StringComparison.Ordinal);

    [GeneratedRegex(@"(?<!\d)\d(?: *\d){5}(?:(?: *\d){2})? *[-+]? *\d(?: *\d){3}(?!\d)")]
    private static partial Regex LongDigitRun();
}
