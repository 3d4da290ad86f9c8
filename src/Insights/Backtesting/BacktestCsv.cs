using Skolnarvaro.Csv;

namespace Skolnarvaro.Insights.Backtesting;

/// <summary>The back-test's CSV files, for spreadsheets.</summary>
public static class BacktestCsv
{
    /// <summary>
    /// One row per school and level, then the municipality; Swedish spreadsheet conventions (<see cref="SpreadsheetCsv"/>,
    /// so a school name that starts like a formula is text). Lines end with "\n", as this file always has.
    /// </summary>
    public static void Write(string path, BacktestResult result)
    {
        using var csv = SpreadsheetCsv.Create(path, newLine: "\n");
        csv.Header(
            "skolenhetskod", "school", "driftsform", "level", "from", "to", "school_days", "weeks",
            "pupils_current", "pupils_candidate", "both", "only_current", "only_candidate",
            "earlier", "median_days_earlier", "later", "median_days_later", "same_day",
            "entries_current", "entries_candidate", "per_week_current", "per_week_candidate");
        foreach (var r in result.Schools.Concat(result.Totals))
        {
            csv.Texts(r.Skolenhetskod, r.School, r.Driftsform, r.Level.ToString(), $"{result.From:yyyy-MM-dd}", $"{result.To:yyyy-MM-dd}")
                .Number(r.SchoolDays).Number(r.Weeks)
                .Number(r.PupilsCurrent).Number(r.PupilsCandidate).Number(r.Both).Number(r.OnlyCurrent).Number(r.OnlyCandidate)
                .Number(r.Earlier).Number(r.MedianDaysEarlier, "0.#").Number(r.Later).Number(r.MedianDaysLater, "0.#")
                .Number(r.Same).Number(r.EntriesCurrent).Number(r.EntriesCandidate)
                .Number(r.PerWeekCurrent, "0.00").Number(r.PerWeekCandidate, "0.00").EndRow();
        }
    }

    /// <summary>
    /// One row per school and replayed school day, then one per day for all schools (term_day: the largest of the
    /// schools'): pupils at exactly hög frånvaro and riskfrånvaro that night under each configuration.
    /// </summary>
    public static void WriteNights(string path, BacktestResult result)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var names = result.Schools.GroupBy(r => r.Skolenhetskod).ToDictionary(g => g.Key, g => g.First().School, StringComparer.Ordinal);
        using var csv = SpreadsheetCsv.Create(path, newLine: "\n");
        csv.Header("date", "term_day", "skolenhetskod", "school", "high_current", "at_risk_current", "high_candidate", "at_risk_candidate");
        void Row(DateOnly date, int termDay, string code, string school, int high, int atRisk, int highCandidate, int atRiskCandidate) =>
            csv.Texts($"{date:yyyy-MM-dd}").Number(termDay).Texts(code, school)
                .Number(high).Number(atRisk).Number(highCandidate).Number(atRiskCandidate).EndRow();
        foreach (var n in result.Nights.OrderBy(n => n.Skolenhetskod, StringComparer.Ordinal).ThenBy(n => n.Date))
        {
            Row(n.Date, n.TermDay, n.Skolenhetskod, names.GetValueOrDefault(n.Skolenhetskod, ""), n.HighCurrent, n.AtRiskCurrent, n.HighCandidate, n.AtRiskCandidate);
        }

        foreach (var day in result.Nights.GroupBy(n => n.Date).OrderBy(g => g.Key))
        {
            Row(day.Key, day.Max(n => n.TermDay), "", "Alla skolor", day.Sum(n => n.HighCurrent), day.Sum(n => n.AtRiskCurrent),
                day.Sum(n => n.HighCandidate), day.Sum(n => n.AtRiskCandidate));
        }
    }
}
