using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Skolnarvaro.Ingestion.Identity;

/// <summary>Keeps personnummer out of the quarantine table: enough is kept to find the row, not to identify the pupil.</summary>
public static partial class QuarantineMasking
{
    /// <summary>"YYYYMMDD-NNNC" → "YYYYMMDD-****": the date part helps find the row, the serial is what identifies.</summary>
    public static string MaskPersonnummer(string value)
    {
        value = Normalise(value);
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
        LongDigitRun().Replace(Normalise(value), m => MaskPersonnummer(m.Value));

    /// <summary>Whether a value holds what reads as a personnummer in any of the forms <see cref="MaskValue"/> masks.</summary>
    public static bool HoldsPersonnummer(string value) => LongDigitRun().IsMatch(Normalise(value));

    /// <summary>
    /// Text as a reader sees it: compatibility forms folded (NFKC: full-width digits, no-break spaces), every Unicode
    /// decimal digit (Arabic-Indic, Devanagari…) as its ASCII digit, and invisible format characters
    /// (zero-width space, soft hyphen, direction marks) removed — so no way of writing a personnummer escapes the mask.
    /// </summary>
    public static string Normalise(string value)
    {
        if (!value.AsSpan().ContainsAnyExceptInRange((char)0, (char)0x7F))
        {
            return value;
        }

        var folded = value.Normalize(NormalizationForm.FormKC);
        var text = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                case UnicodeCategory.Format:
                    break;
                case UnicodeCategory.DecimalDigitNumber:
                    text.Append((char)('0' + CharUnicodeInfo.GetDecimalDigitValue(c)));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Text about a file (a message, a column name, a reason) as it may be stored and logged: personnummer masked, and a
    /// NUL byte, which PostgreSQL text cannot hold, shown as <c>\0</c>.
    /// </summary>
    public static string ForStorage(string value) => MaskValue(value).Replace("\0", "\\0", StringComparison.Ordinal);

    /// <summary>The most of a value from a file that is ever shown or stored (a header cell, a quarantined value).</summary>
    public const int MaxExcerpt = 40;

    /// <summary>
    /// A value from a file as it may be shown, logged or stored: masked as <see cref="ForStorage"/>, then cut to
    /// <see cref="MaxExcerpt"/> characters. Masked first, so a personnummer the cut would halve is already hidden.
    /// </summary>
    public static string Excerpt(string value)
    {
        var masked = ForStorage(value.Length > 4 * MaxExcerpt ? value[..(4 * MaxExcerpt)] : value);
        return masked.Length <= MaxExcerpt && value.Length <= 4 * MaxExcerpt ? masked : $"{masked[..Math.Min(masked.Length, MaxExcerpt)]}… ({value.Length:N0} characters)";
    }

    // Any dash between date and serial (an en dash typed by a word processor) is a separator too.
    [GeneratedRegex(@"(?<!\d)\d(?: *\d){5}(?:(?: *\d){2})? *[-+\u2010-\u2015\u2212]? *\d(?: *\d){3}(?!\d)")]
    private static partial Regex LongDigitRun();
}
