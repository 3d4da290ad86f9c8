using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Reporting;

public enum GroupKind { Municipality, Driftsform, School, Grade }

/// <summary>The three columns every figure has: girls, boys and everyone (pupil.gender F and M).</summary>
public enum GenderColumn { Girls, Boys, All }

public enum MeasureUnit { Count, Percent }

/// <summary>
/// One row of the report's tables: the municipality, a driftsform, a school or a grade. A pupil counts once per school
/// they had scheduled time at in the term, so the schools add up to their driftsform and the driftsforms to the total.
/// </summary>
public sealed record ReportGroup(GroupKind Kind, string Name, string? Skolenhetskod = null, string? Driftsform = null, int? Grade = null);

/// <summary>
/// A figure of the report. A count counts pupils; a percent is computed from pupils, and <see cref="Bases"/> names the
/// counts it rests on (the first is its denominator): it is suppressed whenever one of them is.
/// </summary>
public sealed record Measure(string Key, string Label, MeasureUnit Unit, params string[] Bases);

/// <summary>A figure for one group and gender: null when there is nothing to compute it from (no pupils).</summary>
public readonly record struct Cell(double? Value, bool Suppressed)
{
    public bool Shown => !Suppressed && Value is not null;
}

/// <summary>The municipality's absence in one ISO week.</summary>
public sealed record ReportWeek(int IsoYear, int IsoWeek, DateOnly FirstDay, DateOnly LastDay, int Pupils, double? ExcusedShare, double? UnexcusedShare, bool Suppressed);

/// <summary>Everything the term report shows, with suppression already applied: the HTML and the CSV both render this.</summary>
public sealed record TermReport(
    Term Term, DateOnly From, DateOnly To, int MinGroupSize,
    IReadOnlyList<ReportGroup> Groups, IReadOnlyList<Measure> Measures, IReadOnlyDictionary<(int Group, GenderColumn Gender, string Measure), Cell> Cells,
    IReadOnlyList<ReportWeek> Weeks, IReadOnlyList<SchoolTerm> Schools)
{
    public Cell this[int group, GenderColumn gender, string measure] => Cells[(group, gender, measure)];

    public Cell this[ReportGroup group, GenderColumn gender, string measure] => Cells[(IndexOf(group), gender, measure)];

    public int IndexOf(ReportGroup group) => Groups.ToList().IndexOf(group);

    public int SuppressedCells => Cells.Values.Count(c => c.Suppressed);
}

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
