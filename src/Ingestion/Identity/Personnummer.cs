namespace Skolnarvaro.Ingestion.Identity;

/// <summary>
/// A validated Swedish personnummer or samordningsnummer, normalised to 12 digits (YYYYMMDDNNNC).
/// Only ever held in memory while a row is read: it is hashed into a pupil key and then dropped.
/// </summary>
public readonly record struct Personnummer(long Digits12, DateOnly BirthDate, bool IsSamordningsnummer)
{
    /// <summary>'F' or 'M': the second-to-last digit is odd for men and even for women.</summary>
    public char Gender => (Digits12 / 10 % 10) % 2 == 1 ? 'M' : 'F';

    /// <summary>
    /// Parses 10 or 12 digits with an optional '-' or '+' before the last four (and tolerates spaces).
    /// A 10-digit number takes the latest century that puts the birth on or before <paramref name="today"/>;
    /// '+' means the holder has turned 100.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, DateOnly today, out Personnummer result, out string error)
    {
        result = default;
        Span<int> d = stackalloc int[12];
        if (!TryReadDigits(text, d, out var count, out var separator, out error)
            || !TryFullYear(d, count, separator, today, out var year, out var offset, out error))
        {
            return false;
        }

        if (!LuhnMatches(d[offset..]))
        {
            error = "check digit does not match (Luhn)";
            return false;
        }

        if (!TryBirthDate(d[offset..], year, today, out var birth, out var samordning, out error))
        {
            return false;
        }

        result = new Personnummer(Normalised(d[offset..], year), birth, samordning);
        return true;
    }

    /// <summary>The digits into <paramref name="d"/>, and the separator if any, which must come right before the last four.</summary>
    private static bool TryReadDigits(ReadOnlySpan<char> text, Span<int> d, out int count, out char separator, out string error)
    {
        count = 0;
        separator = '\0';
        var separatorAt = 0;
        foreach (var c in text.Trim())
        {
            if (c is >= '0' and <= '9')
            {
                if (count == 12)
                {
                    error = "too many digits; expected 10 or 12";
                    return false;
                }

                d[count++] = c - '0';
            }
            else if ((c is '-' or '+') && separator == '\0' && (count == 6 || count == 8))
            {
                separator = c;
                separatorAt = count;
            }
            else if (c != ' ')
            {
                error = $"unexpected character '{c}'; expected digits with an optional '-' or '+'";
                return false;
            }
        }

        // "20110312-12" is a cut-off 12-digit number, not the 10-digit 2011031212: the separator goes before the serial.
        if (separator != '\0' && count - separatorAt != 4)
        {
            error = $"'{separator}' must come right before the last four digits";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>
    /// The four-digit birth year, and where the 10-digit form YYMMDDNNNC starts in <paramref name="d"/>. A 10-digit number
    /// takes the latest century that puts the birth on or before <paramref name="today"/>, one earlier with '+'.
    /// </summary>
    private static bool TryFullYear(ReadOnlySpan<int> d, int count, char separator, DateOnly today, out int year, out int offset, out string error)
    {
        year = 0;
        offset = 0;
        if (count == 12)
        {
            year = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3];
            offset = 2;
        }
        else if (count == 10)
        {
            var yy = d[0] * 10 + d[1];
            year = today.Year / 100 * 100 + yy;
            var dd = d[4] * 10 + d[5];
            var mmdd = (d[2] * 10 + d[3]) * 100 + (dd > 60 ? dd - 60 : dd);
            if (year > today.Year || (year == today.Year && mmdd > today.Month * 100 + today.Day))
            {
                year -= 100;
            }

            if (separator == '+')
            {
                year -= 100;
            }
        }
        else
        {
            error = $"{count} digits; expected 10 or 12";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>The Luhn check digit, computed over the 10-digit form YYMMDDNNN.</summary>
    private static bool LuhnMatches(ReadOnlySpan<int> tenDigits)
    {
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            var v = tenDigits[i] * (i % 2 == 0 ? 2 : 1);
            sum += v > 9 ? v - 9 : v;
        }

        return (10 - sum % 10) % 10 == tenDigits[9];
    }

    /// <summary>The date of birth; a samordningsnummer adds 60 to the day.</summary>
    private static bool TryBirthDate(ReadOnlySpan<int> tenDigits, int year, DateOnly today, out DateOnly birth, out bool samordning, out string error)
    {
        birth = default;
        var month = tenDigits[2] * 10 + tenDigits[3];
        var day = tenDigits[4] * 10 + tenDigits[5];
        samordning = day > 60;
        if (samordning)
        {
            day -= 60;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            error = "not a valid date of birth";
            return false;
        }

        birth = new DateOnly(year, month, day);
        if (birth > today)
        {
            error = "the date of birth is in the future";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>YYYYMMDDNNNC as one number: the full year, then the 10-digit form's digits after its two-digit year.</summary>
    private static long Normalised(ReadOnlySpan<int> tenDigits, int year)
    {
        long digits = year;
        for (var i = 2; i < 10; i++)
        {
            digits = digits * 10 + tenDigits[i];
        }

        return digits;
    }

    /// <summary>Never prints the number: it must not end up in logs by accident.</summary>
    public override string ToString() => $"Personnummer(born {BirthDate.Year}, {Gender})";
}
