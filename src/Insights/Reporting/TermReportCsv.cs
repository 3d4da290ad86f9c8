using System.Globalization;
using Skolnarvaro.Csv;

namespace Skolnarvaro.Insights.Reporting;

/// <summary>
/// The report's numbers as CSV for Swedish spreadsheets, like the back-test's: <c>;</c>, decimal comma, UTF-8 with BOM.
/// Every number in the HTML is here. A suppressed figure has an empty value and <c>ja</c> in <c>undertryckt</c>; an empty
/// value without the marker means there was nothing to compute it from (no pupils). Written with <see cref="SpreadsheetCsv"/>,
/// so a school or group name that starts like a formula is shown as text.
/// </summary>
public static class TermReportCsv
{
    private static readonly CultureInfo Sv = SpreadsheetCsv.Sv;

    /// <summary>One row per group, gender and measure (a long table: filter or pivot it in the spreadsheet).</summary>
    public static void WriteGroups(string path, TermReport report)
    {
        using var csv = SpreadsheetCsv.Create(path);
        csv.Header("termin", "grupptyp", "grupp", "skolenhetskod", "driftsform", "kön", "mått", "mått_namn", "enhet", "värde", "undertryckt");
        for (var g = 0; g < report.Groups.Count; g++)
        {
            var group = report.Groups[g];
            foreach (var m in report.Measures)
            {
                foreach (var gender in Enum.GetValues<GenderColumn>())
                {
                    var cell = report[g, gender, m.Key];
                    csv.Texts(report.Term.Name, GroupKindName(group.Kind), group.Name, group.Skolenhetskod ?? "",
                            group.Driftsform is { } d ? TermReportBuilder.DriftsformName(d).ToLowerInvariant() : "",
                            GenderName(gender), m.Key, m.Label, UnitName(m.Unit))
                        .Number(cell.Suppressed ? null : CsvValue(cell.Value, m.Unit), Format(m.Unit)).Text(cell.Suppressed ? "ja" : "").EndRow();
                }
            }
        }
    }

    /// <summary>The municipality's week-by-week absence (the trend chart).</summary>
    public static void WriteWeeks(string path, TermReport report)
    {
        using var csv = SpreadsheetCsv.Create(path);
        csv.Header("termin", "år", "vecka", "från", "till", "elever", "giltig_franvaro_procent", "ogiltig_franvaro_procent", "undertryckt");
        foreach (var w in report.Weeks.Where(w => !w.Lov))
        {
            csv.Text(report.Term.Name).Number(w.IsoYear).Number(w.IsoWeek).Texts($"{w.FirstDay:yyyy-MM-dd}", $"{w.LastDay:yyyy-MM-dd}")
                .Number(w.Suppressed ? null : w.Pupils, "0")
                .Number(w.Suppressed ? null : CsvValue(w.ExcusedShare, MeasureUnit.Percent), Format(MeasureUnit.Percent))
                .Number(w.Suppressed ? null : CsvValue(w.UnexcusedShare, MeasureUnit.Percent), Format(MeasureUnit.Percent))
                .Text(w.Suppressed ? "ja" : "").EndRow();
        }
    }

    /// <summary>Per school, then per driftsform and the municipality: digests, exports and reporting rate.</summary>
    public static void WriteSchools(string path, TermReport report)
    {
        using var csv = SpreadsheetCsv.Create(path);
        csv.Header("termin", "skolenhetskod", "skola", "driftsform", "rektorsbesked_skickade", "rektorsbesked_ej_skickade", "avvisade_exporter",
            "nattliga_korningar", "korningar_med_inaktuell_export", "inaktuell_vid_senaste_korningen", "senaste_export_till",
            "rapporteringsgrad_procent", "undertryckt");
        foreach (var row in DataQualityRows.Of(report))
        {
            var rate = row.ReportingRate;
            csv.Texts(report.Term.Name, row.Skolenhetskod ?? "", row.Name, row.Driftsform is { } d ? TermReportBuilder.DriftsformName(d).ToLowerInvariant() : "")
                .Number(row.DigestsSent).Number(row.DigestsNotSent).Number(row.RejectedFiles).Number(row.NightlyRuns).Number(row.StaleRuns)
                .Texts(row.StaleAtLastRun switch { true => "ja", false => "nej", null => "" }, row.LastExportTo is { } last ? $"{last:yyyy-MM-dd}" : "")
                .Number(rate.Suppressed ? null : CsvValue(rate.Value, MeasureUnit.Percent), Format(MeasureUnit.Percent)).Text(rate.Suppressed ? "ja" : "").EndRow();
        }
    }

    /// <summary>The value <see cref="Number"/> shows, as a number for the CSV writer (which formats it with <see cref="Format"/>).</summary>
    private static double? CsvValue(double? value, MeasureUnit unit) => value switch
    {
        null => null,
        { } v when unit == MeasureUnit.Count => (long)Math.Round(v),
        { } v when unit == MeasureUnit.SchoolDays => Math.Round(v, 1, MidpointRounding.AwayFromZero),
        { } v => Math.Round(v * 100, 1, MidpointRounding.AwayFromZero),
    };

    private static string Format(MeasureUnit unit) => unit == MeasureUnit.Count ? "0" : "0.0";

    /// <summary>The CSV's <c>enhet</c>.</summary>
    public static string UnitName(MeasureUnit unit) => unit switch
    {
        MeasureUnit.Count => "antal",
        MeasureUnit.SchoolDays => "skoldagar",
        _ => "procent",
    };

    /// <summary>Counts as integers; percents and school days (a median: whole or half) with one decimal, as the HTML shows them.</summary>
    public static string Number(double? value, MeasureUnit unit) => value switch
    {
        null => "",
        { } v when unit == MeasureUnit.Count => ((long)Math.Round(v)).ToString(Sv),
        { } v when unit == MeasureUnit.SchoolDays => Math.Round(v, 1, MidpointRounding.AwayFromZero).ToString("0.0", Sv),
        { } v => Math.Round(v * 100, 1, MidpointRounding.AwayFromZero).ToString("0.0", Sv),
    };

    public static string GroupKindName(GroupKind kind) => kind switch
    {
        GroupKind.Municipality => "kommun",
        GroupKind.Driftsform => "driftsform",
        GroupKind.School => "skola",
        _ => "årskurs",
    };

    public static string GenderName(GenderColumn gender) => gender switch
    {
        GenderColumn.Girls => "flickor",
        GenderColumn.Boys => "pojkar",
        _ => "alla",
    };
}

/// <summary>The data-quality table: each school, then each driftsform and the municipality as sums of their schools.</summary>
public sealed record DataQualityRow(
    string? Skolenhetskod, string Name, string? Driftsform, bool IsTotal, int DigestsSent, int DigestsNotSent, int RejectedFiles,
    int NightlyRuns, int StaleRuns, bool? StaleAtLastRun, DateOnly? LastExportTo, Cell ReportingRate);

public static class DataQualityRows
{
    public static IReadOnlyList<DataQualityRow> Of(TermReport report)
    {
        Cell Rate(ReportGroup g) => report[g, GenderColumn.All, Measures.ReportingRate];
        var rows = report.Groups.Where(g => g.Kind == GroupKind.School)
            .Select(g => (g, s: report.Schools.Single(s => s.Skolenhetskod == g.Skolenhetskod)))
            .Select(x => new DataQualityRow(x.s.Skolenhetskod, x.s.Name, x.s.Driftsform, false, x.s.DigestsSent, x.s.DigestsNotSent,
                x.s.RejectedFiles, x.s.NightlyRuns, x.s.StaleRuns, x.s.StaleAtLastRun, x.s.LastExportTo, Rate(x.g)))
            .ToList();
        DataQualityRow Sum(ReportGroup g, IReadOnlyList<DataQualityRow> of) => new(null, g.Name, g.Driftsform, true,
            of.Sum(r => r.DigestsSent), of.Sum(r => r.DigestsNotSent), of.Sum(r => r.RejectedFiles), of.Sum(r => r.NightlyRuns),
            of.Sum(r => r.StaleRuns), null, null, Rate(g));
        var totals = report.Groups.Where(g => g.Kind == GroupKind.Driftsform)
            .Select(g => Sum(g, rows.Where(r => r.Driftsform == g.Driftsform).ToList()))
            .Prepend(Sum(report.Groups.Single(g => g.Kind == GroupKind.Municipality), rows));
        return [.. rows, .. totals];
    }
}
