using System.Globalization;

namespace Skolnarvaro.Ingestion.Import;

/// <summary>
/// The file's facts per date with the first line of each date, to tell which rows are strays: a row dated in another
/// week than the rest of the file (a typo of the day) makes the file cover that date for every pupil, and a file held
/// back for it must name the row, not only the facts it would remove.
/// </summary>
internal sealed class FileWeeks
{
    /// <summary>A week with fewer facts than this share of the file's largest week is a stray week.</summary>
    private const double StrayShare = 0.1;

    /// <summary>How many stray dates a message names at the most.</summary>
    private const int MaxNamed = 3;

    private readonly Dictionary<DateOnly, (int FirstLine, long Facts)> dates = [];

    public void Add(DateOnly date, int line)
    {
        var (first, facts) = dates.GetValueOrDefault(date, (int.MaxValue, 0));
        dates[date] = (Math.Min(first, line), facts + 1);
    }

    /// <summary>The dates in weeks that hold only a few of the file's facts, each with its first line, earliest line first.</summary>
    public IReadOnlyList<(DateOnly Date, int FirstLine, long Facts)> StrayDates()
    {
        var weeks = dates.GroupBy(d => Week(d.Key)).Select(w => (Week: w.Key, Facts: w.Sum(d => d.Value.Facts))).ToList();
        if (weeks.Count < 2)
        {
            return [];
        }

        var largest = weeks.Max(w => w.Facts);
        var stray = weeks.Where(w => w.Facts < largest * StrayShare).Select(w => w.Week).ToHashSet();
        return dates.Where(d => stray.Contains(Week(d.Key))).Select(d => (d.Key, d.Value.FirstLine, d.Value.Facts)).OrderBy(d => d.FirstLine).ToList();
    }

    /// <summary>The file's other dates, those of its own weeks, as a span for a message.</summary>
    public (DateOnly From, DateOnly To) MainSpan(IReadOnlyCollection<DateOnly> strays)
    {
        var main = dates.Keys.Where(d => !strays.Contains(d)).ToList();
        return (main.Min(), main.Max());
    }

    /// <summary>
    /// The sentence a held-back message ends with when stray rows cause (part of) the loss: the rows' lines, column and
    /// value, and what was expected. Empty when <paramref name="lost"/> is zero.
    /// </summary>
    public static string Note(
        IReadOnlyList<(DateOnly Date, int FirstLine, long Facts)> strays, (DateOnly From, DateOnly To) main, long lost, string dateColumn, string dateFormat)
    {
        if (strays.Count == 0 || lost == 0)
        {
            return "";
        }

        var rows = strays.Sum(s => s.Facts);
        var named = string.Join("; ", strays.Take(MaxNamed).Select(s =>
            $"line {s.FirstLine}, column '{dateColumn}', value '{s.Date.ToString(dateFormat, CultureInfo.InvariantCulture)}'" +
            (s.Facts > 1 ? $" (and {s.Facts - 1:N0} more rows of that date)" : "")));
        var more = strays.Count > MaxNamed ? $"; and {strays.Count - MaxNamed:N0} more such dates" : "";
        return $" {lost:N0} of these facts are on the dates of {rows:N0} stray {(rows == 1 ? "row" : "rows")} of another week than the rest " +
               $"of the file ({Iso(main.From)} to {Iso(main.To)}): {named}{more}. Expected a date in the file's own weeks: a stray row makes " +
               "the file cover its date for every pupil; correct its date or remove it, and send the file again.";
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static (int Year, int Week) Week(DateOnly date)
    {
        var day = date.ToDateTime(TimeOnly.MinValue);
        return (ISOWeek.GetYear(day), ISOWeek.GetWeekOfYear(day));
    }
}
