namespace Skolnarvaro.Insights.Reporting;

/// <summary>The report's measures, in the order of its tables. Keys are the CSV's <c>mått</c> column.</summary>
public static class Measures
{
    public const string Pupils = "elever";
    public const string Attendance = "narvaro";
    public const string Excused = "giltig_franvaro";
    public const string Unexcused = "ogiltig_franvaro";
    public const string ReportingRate = "rapporteringsgrad";
    public const string AtRisk = "riskfranvaro";
    public const string AtRiskShare = "andel_riskfranvaro";
    public const string High = "hog_franvaro";
    public const string HighShare = "andel_hog_franvaro";
    public const string Trend = "trend";
    public const string NewlyFlagged = "nya_flaggningar";
    public const string Reported = "i_rektorsbesked";

    public static string DevPupils(int weeks) => $"utv{weeks}v_elever";
    public static string DevBefore(int weeks) => $"utv{weeks}v_franvaro_fore";
    public static string DevAfter(int weeks) => $"utv{weeks}v_franvaro_efter";
    public static string DevLower(int weeks) => $"utv{weeks}v_andel_minskad";

    public static readonly int[] DevelopmentWeeks = [4, 8];

    // The legal steps after the alert: first alert to "utredning inledd", hög frånvaro investigated in time,
    // and the four weeks after the alert with and without an investigation.
    public const string Alerted = "utr_elever_forsta_besked";
    public const string AlertedStarted = "utr_utredning_inledd";
    public const string DaysToStart = "utr_skoldagar_till_utredning_median";
    public const string HighFollowed = "utr_hog_franvaro_elever";
    public const string HighInTime = "utr_hog_franvaro_utredning_i_tid";
    public const string HighInTimeShare = "utr_andel_utredning_i_tid";

    /// <summary>The pupils followed four weeks after their alert, split by whether an investigation was started by then.</summary>
    public static readonly int InvestigationWeeks = DevelopmentWeeks[0];

    public static string WithPupils(bool with) => with ? "utr_med_elever" : "utr_utan_elever";
    public static string WithBefore(bool with) => with ? "utr_med_franvaro_fore" : "utr_utan_franvaro_fore";
    public static string WithAfter(bool with) => with ? "utr_med_franvaro_efter" : "utr_utan_franvaro_efter";

    // The hand-off to the skolnärvaroteam: requests in the term, the school days around them, and the absence around the start.
    public const string SupportRequested = "stod_begart";
    public const string SupportStarted = "stod_paborjat";
    public const string DaysReportToRequest = "stod_skoldagar_anmalan_till_begaran_median";
    public const string DaysRequestToStart = "stod_skoldagar_begaran_till_start_median";
    public const string SupportFollowed = "stod_foljda_elever";
    public const string SupportBefore = "stod_franvaro_fore";
    public const string SupportAfter = "stod_franvaro_efter";

    /// <summary>The weeks before and after "Stöd påbörjat" the absence is compared over.</summary>
    public const int SupportWeeks = 4;

    /// <summary>
    /// The measures, with <paramref name="expectedWithinSchoolDays"/> (Skolnarvaro:Investigation:ExpectedWithinSchoolDays)
    /// in the labels of those that depend on it.
    /// </summary>
    public static IReadOnlyList<Measure> For(int expectedWithinSchoolDays) =>
    [
        new(Pupils, "Elever", MeasureUnit.Count),
        new(Attendance, "Närvaro", MeasureUnit.Percent, Pupils),
        new(Excused, "Giltig frånvaro", MeasureUnit.Percent, Pupils),
        new(Unexcused, "Ogiltig frånvaro", MeasureUnit.Percent, Pupils),
        new(ReportingRate, "Rapporteringsgrad", MeasureUnit.Percent, Pupils),
        new(AtRisk, "Riskfrånvaro", MeasureUnit.Count),
        new(AtRiskShare, "Andel riskfrånvaro", MeasureUnit.Percent, Pupils, AtRisk),
        new(High, "Hög frånvaro", MeasureUnit.Count),
        new(HighShare, "Andel hög frånvaro", MeasureUnit.Percent, Pupils, High),
        new(Trend, "Stigande frånvaro, under gränserna (modellen)", MeasureUnit.Count),
        new(NewlyFlagged, "Nya flaggningar", MeasureUnit.Count),
        new(Reported, "Elever i rektorsbesked", MeasureUnit.Count),
        .. DevelopmentWeeks.SelectMany(w => new Measure[]
        {
            new(DevPupils(w), "Elever som följts", MeasureUnit.Count),
            new(DevBefore(w), $"Frånvaro {w} veckor före", MeasureUnit.Percent, DevPupils(w)),
            new(DevAfter(w), $"Frånvaro {w} veckor efter", MeasureUnit.Percent, DevPupils(w)),
            new(DevLower(w), "Andel med minskad frånvaro", MeasureUnit.Percent, DevPupils(w)),
        }),
        new(Alerted, "Elever med första besked", MeasureUnit.Count),
        new(AlertedStarted, "varav utredning inledd", MeasureUnit.Count),
        new(DaysToStart, "Skoldagar till utredning (median)", MeasureUnit.SchoolDays, AlertedStarted),
        new(HighFollowed, $"Hög frånvaro, minst {expectedWithinSchoolDays} skoldagar sedan", MeasureUnit.Count),
        new(HighInTime, $"varav utredning inom {expectedWithinSchoolDays} skoldagar", MeasureUnit.Count),
        new(HighInTimeShare, $"Andel med utredning inom {expectedWithinSchoolDays} skoldagar", MeasureUnit.Percent, HighFollowed, HighInTime),
        .. new[] { true, false }.SelectMany(with => new Measure[]
        {
            new(WithPupils(with), with ? "Följda elever med utredning" : "Följda elever utan utredning", MeasureUnit.Count),
            new(WithBefore(with), $"Frånvaro {InvestigationWeeks} veckor före ({(with ? "med" : "utan")} utredning)", MeasureUnit.Percent, WithPupils(with)),
            new(WithAfter(with), $"Frånvaro {InvestigationWeeks} veckor efter ({(with ? "med" : "utan")} utredning)", MeasureUnit.Percent, WithPupils(with)),
        }),
        new(SupportRequested, "Stöd begärt", MeasureUnit.Count),
        new(SupportStarted, "varav påbörjat", MeasureUnit.Count),
        new(DaysReportToRequest, "Skoldagar anmälan–begäran (median)", MeasureUnit.SchoolDays, SupportRequested),
        new(DaysRequestToStart, "Skoldagar begäran–start (median)", MeasureUnit.SchoolDays, SupportStarted),
        new(SupportFollowed, "Följda elever med påbörjat stöd", MeasureUnit.Count),
        new(SupportBefore, $"Frånvaro {SupportWeeks} veckor före stödet", MeasureUnit.Percent, SupportFollowed),
        new(SupportAfter, $"Frånvaro {SupportWeeks} veckor med stödet", MeasureUnit.Percent, SupportFollowed),
    ];

    /// <summary>
    /// Counts that add up within one group and gender, besides the groups' own sums: the pupils followed four weeks after
    /// their alert are those with an investigation and those without. Small-group suppression protects these sums too.
    /// </summary>
    public static IReadOnlyList<(string Total, string[] Parts)> Splits { get; } =
        [(DevPupils(InvestigationWeeks), [WithPupils(true), WithPupils(false)])];
}
