using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Trend;

/// <summary>
/// One pupil at one school on one scoring date: the features (facts up to the date only), the level the rules gave
/// them that day, and what happened next (facts after the date, for the label and the lead time only).
/// </summary>
public sealed record TrendSample(
    string Skolenhetskod, byte[] PupilKey, DateOnly Date, float[] Features, Level? LevelNow,
    int? SchoolDaysToHigh, DateOnly? HighOn, bool Label, string Gender, string Driftsform)
{
    /// <summary>The last school day the label looks at.</summary>
    public DateOnly HorizonEnd { get; init; }

    /// <summary>Not at any level on the date: the pupils the nightly run may flag Trend.</summary>
    public bool NotAtLevel => LevelNow is null;
}

public sealed record TrendDatasetProgress(int SchoolsDone, int Schools, string School, int Samples);

/// <summary>
/// Builds labelled samples from the facts, replaying the rules school day by school day like the back-test (same term
/// windows, same roll rule, same levels).
/// Sampling: one scoring date per school week — the school's last school day of each ISO week — for every pupil on the
/// roll with at least the minimum scheduled days and not already at hög frånvaro on that date. A pupil at riskfrånvaro
/// stays in (the rule flags them; the model is compared with the rule on the same pupils), and the nightly run raises
/// Trend only for those not at a level.
/// Label: the rules put the pupil at High on one of the next <c>HorizonWeeks × 5</c> school days of the school. A date
/// whose horizon reaches past the last school day of the period is not sampled: its outcome is not known yet.
/// </summary>
public sealed class TrendDataset(NpgsqlDataSource db, AttendanceFactStore facts)
{
    public async Task<IReadOnlyList<TrendSample>> BuildAsync(
        DateOnly from, DateOnly to, ThresholdOptions thresholds, int horizonWeeks, IProgress<TrendDatasetProgress>? progress = null,
        CancellationToken ct = default)
    {
        var schools = await SchoolsAsync(ct);
        var samples = new List<TrendSample>();
        for (var i = 0; i < schools.Count; i++)
        {
            var (code, name, driftsform) = schools[i];
            progress?.Report(new TrendDatasetProgress(i, schools.Count, name, samples.Count));
            await AddSchoolAsync(code, driftsform, from, to, thresholds.For(code, driftsform), horizonWeeks * 5, samples, ct);
        }

        progress?.Report(new TrendDatasetProgress(schools.Count, schools.Count, "", samples.Count));
        return samples;
    }

    private async Task AddSchoolAsync(
        string code, string driftsform, DateOnly from, DateOnly to, EffectiveThresholds t, int horizonDays, List<TrendSample> samples, CancellationToken ct)
    {
        var days = await facts.SchoolDaysAsync(code, from, to, ct);
        var sampled = SampleDays(days, horizonDays);
        if (sampled.Count == 0)
        {
            return;
        }

        var pupils = await TrendPupils.ReadAsync(db, code, ct);
        var arrivals = await facts.ArrivalsElsewhereAsync(code, to, ct);
        var settings = new FigureSettings(t.RecentWindowDays, 0);
        var termStarts = days.Select(d => Term.Containing(d).Start).ToArray();
        var factsFrom = TrendPupils.FactsFrom(days[0]);
        var isSampled = new bool[days.Count];
        foreach (var s in sampled)
        {
            isSampled[s] = true;
        }

        var levels = new Level?[days.Count];
        var counts = new int[days.Count];
        var ends = new int[days.Count];
        var onRoll = new bool[days.Count];
        await foreach (var (key, pupilDays) in facts.ReadPupilsAsync(code, factsFrom, days[^1], ct))
        {
            var span = CollectionsMarshal.AsSpan(pupilDays);
            int start = 0, end = 0;
            for (var i = 0; i < days.Count; i++)
            {
                var day = days[i];
                while (end < span.Length && span[end].Date <= day)
                {
                    end++;
                }

                while (start < end && span[start].Date < termStarts[i])
                {
                    start++;
                }

                ends[i] = end;
                levels[i] = null;
                counts[i] = 0;
                onRoll[i] = end > start && SchoolRoll.IsOnRoll(span[end - 1].Date, day, arrivals.GetValueOrDefault(key), day);
                if (onRoll[i])
                {
                    var f = PupilFigures.Compute(key, code, span[start..end], day, settings);
                    counts[i] = f.ScheduledDays;
                    levels[i] = RuleEvaluator.LevelOf(f, t);
                }
            }

            var info = pupils.GetValueOrDefault(key);
            int? nextHigh = null;
            for (var i = days.Count - 1; i >= 0; i--)
            {
                if (isSampled[i] && onRoll[i] && counts[i] >= t.MinimumScheduledDays && levels[i] != Level.High)
                {
                    var features = TrendFeatures.Compute(span[..ends[i]], days[i], info.GradeOn(days[i])).ToVector();
                    int? toHigh = nextHigh - i;
                    samples.Add(new TrendSample(code, key, days[i], features, levels[i], toHigh, nextHigh is { } h ? days[h] : null,
                        toHigh <= horizonDays, info.Gender ?? "?", driftsform) { HorizonEnd = days[i + horizonDays] });
                }

                if (levels[i] == Level.High)
                {
                    nextHigh = i;
                }
            }
        }
    }

    /// <summary>The last school day of each ISO week whose whole horizon lies inside the period.</summary>
    public static List<int> SampleDays(IReadOnlyList<DateOnly> days, int horizonDays)
    {
        var sampled = new List<int>();
        for (var i = 0; i + horizonDays < days.Count; i++)
        {
            if (i == days.Count - 1 || Week(days[i + 1]) != Week(days[i]))
            {
                sampled.Add(i);
            }
        }

        return sampled;
    }

    private static (int, int) Week(DateOnly d) =>
        (ISOWeek.GetYear(d.ToDateTime(TimeOnly.MinValue)), ISOWeek.GetWeekOfYear(d.ToDateTime(TimeOnly.MinValue)));

    private async Task<List<(string Code, string Name, string Driftsform)>> SchoolsAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select skolenhetskod, name, driftsform from school order by skolenhetskod");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var schools = new List<(string, string, string)>();
        while (await r.ReadAsync(ct))
        {
            schools.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        }

        return schools;
    }
}

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
    /// <summary>The first date the features of a date need: the start of the term before its term.</summary>
    public static DateOnly FactsFrom(DateOnly date) => Term.Containing(Term.Containing(date).Start.AddDays(-1)).Start;

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
