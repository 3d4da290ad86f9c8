using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Analysis.Figures;

namespace Skolnarvaro.Analysis.Trend;

/// <summary>What the features and the fairness breakdown need about a pupil at a school: grade (as last exported) and gender.</summary>
public readonly record struct TrendPupil(int? Grade, DateOnly GradeAsOf, string? Gender)
{
    /// <summary>
    /// The grade on a date. The enrolment holds the grade of the latest export, so an earlier school year had a lower
    /// one: without this a sample from last year would carry this year's grade, a fact from its future.
    /// </summary>
    public int GradeOn(DateOnly date) => Grade is { } g ? g - (SchoolYear(GradeAsOf) - SchoolYear(date)) : -1;

    private static int SchoolYear(DateOnly d) => d.Month >= 7 ? d.Year : d.Year - 1;
}

public static class TrendPupils
{
    /// <summary>The first date the features of a date need: the start of the term before its term, or a year back (the same weeks last year).</summary>
    public static DateOnly FactsFrom(DateOnly date)
    {
        var previousTerm = Term.Containing(Term.Containing(date).Start.AddDays(-1)).Start;
        var yearAgo = date.AddYears(-1);
        return yearAgo < previousTerm ? yearAgo : previousTerm;
    }

    public static async Task<Dictionary<byte[], TrendPupil>> ReadAsync(NpgsqlDataSource db, string school, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select e.pupil_key, e.grade, e.last_date, p.gender
            from enrolment e join pupil p on p.pupil_key = e.pupil_key
            where e.skolenhetskod = @school
            """);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        var pupils = new Dictionary<byte[], TrendPupil>(PupilKeyComparer.Instance);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            pupils[r.GetFieldValue<byte[]>(0)] = new TrendPupil(
                r.IsDBNull(1) ? null : r.GetInt32(1), r.GetFieldValue<DateOnly>(2), r.GetString(3).Trim());
        }

        return pupils;
    }
}
