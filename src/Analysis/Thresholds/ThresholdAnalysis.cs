using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Patterns;

namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>One school's pupils on one date: the thresholds that applied, who is flagged and who is still on the school's roll.</summary>
public sealed record SchoolAssessment(
    string Skolenhetskod,
    DateOnly AsOf,
    EffectiveThresholds Thresholds,
    int PupilsAssessed,
    IReadOnlyList<Assessment> Flagged,
    IReadOnlySet<byte[]> OnRoll)
{
    /// <summary>Whether the school's exports show single days (lessons or days, not summaries): day patterns mean something.</summary>
    public bool ShowsDays { get; init; } = true;
}

/// <summary>
/// Another computation on the same stream of a school's facts (the trend features), so they are read once: the stream
/// starts at <see cref="FactsFrom"/> when that is before the term, and each pupil with facts this term is visited.
/// </summary>
public interface ISchoolPass
{
    DateOnly FactsFrom { get; }

    /// <summary>A pupil's facts from <see cref="FactsFrom"/> up to the date, and their figures for the term.</summary>
    void Visit(byte[] pupilKey, ReadOnlySpan<DayFact> facts, PupilFigures termFigures);
}

/// <summary>
/// Computes every pupil's figures at a school and applies the thresholds. Facts stream one pupil at a time; only the
/// flagged pupils' assessments and the keys of the pupils on the roll are kept.
/// </summary>
public sealed class ThresholdAnalysis(AttendanceFactStore facts, SubjectFactStore subjects, IOptions<ThresholdOptions> options)
{
    public Task<SchoolAssessment> AssessSchoolAsync(string school, DateOnly asOf, CancellationToken ct = default) =>
        AssessSchoolAsync(school, asOf, options.Value, ct);

    public async Task<SchoolAssessment> AssessSchoolAsync(
        string school, DateOnly asOf, ThresholdOptions thresholds, CancellationToken ct = default, ISchoolPass? alsoOnThePass = null)
    {
        var t = thresholds.For(school, await facts.DriftsformAsync(school, ct));
        var term = Term.Containing(asOf);
        var arrivals = await facts.ArrivalsElsewhereAsync(school, asOf, ct);
        var settings = new FigureSettings(t.RecentWindowDays, t.Patterns.RecurringWeekday.Weeks);

        var seen = new List<(byte[] Key, DateOnly Last)>();
        var candidates = new List<PupilFigures>();
        var schoolLast = DateOnly.MinValue;
        // The recent window may reach back over the break in a term's first weeks; another pass may want facts from further back.
        var windowFrom = await facts.RecentWindowFromAsync(school, term, asOf, t.RecentWindowDays, ct);
        var from = alsoOnThePass is { FactsFrom: var f0 } && f0 < windowFrom ? f0 : windowFrom;
        await foreach (var (key, days) in facts.ReadPupilsAsync(school, from, asOf, ct))
        {
            // A pupil with no day in this term (left before it, or not back yet) is not the school's to judge this term.
            var span = CollectionsMarshal.AsSpan(days);
            if (span[^1].Date < term.Start)
            {
                continue;
            }

            var windowStart = 0;
            while (span[windowStart].Date < windowFrom)
            {
                windowStart++;
            }

            var f = PupilFigures.Compute(key, school, span[windowStart..], asOf, settings, term.Start);
            alsoOnThePass?.Visit(key, span, f);
            var last = f.LastDate!.Value;
            schoolLast = last > schoolLast ? last : schoolLast;
            seen.Add((key, last));
            if (RuleEvaluator.LevelOf(f, t) is not null)
            {
                candidates.Add(f);
            }
        }

        // Whether a pupil is still the school's is known only once the school's last day is: after the stream.
        var onRoll = new HashSet<byte[]>(PupilKeyComparer.Instance);
        foreach (var (key, last) in seen)
        {
            if (SchoolRoll.IsOnRoll(last, schoolLast, arrivals.GetValueOrDefault(key), asOf))
            {
                onRoll.Add(key);
            }
        }

        var flagged = candidates.Where(f => onRoll.Contains(f.PupilKey)).ToList();
        var bySubject = await subjects.ReadAsync(school, flagged.Select(f => (f.PupilKey, f.Recent.From ?? asOf)).ToList(), asOf, ct);
        var showsDays = await facts.ShowsDaysAsync(school, flagged.Select(f => f.Recent.From ?? asOf).DefaultIfEmpty(asOf).Min(), asOf, ct);
        var assessments = flagged.Select(f => RuleEvaluator.Evaluate(f, t, bySubject.GetValueOrDefault(f.PupilKey), showsDays)).ToList();
        return new SchoolAssessment(school, asOf, t, onRoll.Count, assessments, onRoll) { ShowsDays = showsDays };
    }
}
