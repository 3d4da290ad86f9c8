namespace Skolnarvaro.Analysis.Reporting;

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

    public static IReadOnlyList<Measure> All { get; } =
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
        new(Trend, "Trend (modellen)", MeasureUnit.Count),
        new(NewlyFlagged, "Nya flaggningar", MeasureUnit.Count),
        new(Reported, "Elever i rektorsbesked", MeasureUnit.Count),
        .. DevelopmentWeeks.SelectMany(w => new Measure[]
        {
            new(DevPupils(w), "Elever som följts", MeasureUnit.Count),
            new(DevBefore(w), $"Frånvaro {w} veckor före", MeasureUnit.Percent, DevPupils(w)),
            new(DevAfter(w), $"Frånvaro {w} veckor efter", MeasureUnit.Percent, DevPupils(w)),
            new(DevLower(w), "Andel med minskad frånvaro", MeasureUnit.Percent, DevPupils(w)),
        }),
    ];
}
