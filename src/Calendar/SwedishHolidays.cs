namespace Skolnarvaro.Calendar;

/// <summary>The Swedish public holidays (helgdagar) and the days treated as such (julafton, nyårsafton, midsommarafton).</summary>
public static class SwedishHolidays
{
    /// <summary>Easter Sunday (anonymous Gregorian computus).</summary>
    public static DateOnly EasterSunday(int year)
    {
        int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
        int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
        int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
        return new DateOnly(year, month, day);
    }

    public static DateOnly Ascension(int year) => EasterSunday(year).AddDays(39);

    public static bool IsHoliday(DateOnly date)
    {
        switch ((date.Month, date.Day))
        {
            case (1, 1) or (1, 6) or (5, 1) or (6, 6) or (12, 24) or (12, 25) or (12, 26) or (12, 31):
                return true;
            case (6, >= 19 and <= 25) when date.DayOfWeek == DayOfWeek.Friday: // midsommarafton
                return true;
        }

        var easter = EasterSunday(date.Year);
        return date == easter.AddDays(-2) || date == easter.AddDays(1) || date == Ascension(date.Year);
    }
}
