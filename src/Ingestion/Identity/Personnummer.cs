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
        var count = 0;
        var separator = '\0';
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

        int year;
        int offset;
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

            offset = 0;
        }
        else
        {
            error = $"{count} digits; expected 10 or 12";
            return false;
        }

        // The Luhn check digit is computed over the 10-digit form YYMMDDNNN.
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            var v = d[offset + i] * (i % 2 == 0 ? 2 : 1);
            sum += v > 9 ? v - 9 : v;
        }

        var check = (10 - sum % 10) % 10;
        if (check != d[offset + 9])
        {
            error = "check digit does not match (Luhn)";
            return false;
        }

        var month = d[offset + 2] * 10 + d[offset + 3];
        var day = d[offset + 4] * 10 + d[offset + 5];
        var samordning = day > 60;
        if (samordning)
        {
            day -= 60;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            error = "not a valid date of birth";
            return false;
        }

        if (new DateOnly(year, month, day) > today)
        {
            error = "the date of birth is in the future";
            return false;
        }

        long digits = 0;
        digits = digits * 10000 + year;
        for (var i = offset + 2; i < offset + 10; i++)
        {
            digits = digits * 10 + d[i];
        }

        result = new Personnummer(digits, new DateOnly(year, month, day), samordning);
        error = "";
        return true;
    }

    /// <summary>Never prints the number: it must not end up in logs by accident.</summary>
    public override string ToString() => $"Personnummer(born {BirthDate.Year}, {Gender})";
}
