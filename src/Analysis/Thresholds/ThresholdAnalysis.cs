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
        var term = Term.Containing(asOf);
        var from = alsoOnThePass is { FactsFrom: var f0 } && f0 < term.Start ? f0 : term.Start;
        // The driftsform (for the thresholds), the arrivals elsewhere and the facts come in one round trip.
        await using var read = await facts.ReadSchoolAsync(school, from, asOf, ct);
        var t = thresholds.For(school, read.Driftsform);
        var pupils = new PupilAssessor(school, asOf, term, t, alsoOnThePass);
        await AssessPupilsAsync(read, pupils, from, ct);
        // Whether a pupil is still the school's is known only once the school's last day is: after the stream.
        var onRoll = pupils.OnRoll(read.ArrivalsElsewhere);
        var flagged = pupils.Candidates.Where(f => onRoll.Contains(f.PupilKey)).ToList();
        var assessments = await EvaluateAsync(school, asOf, t, flagged, pupils.Reached, ct);
        return new SchoolAssessment(school, asOf, t, onRoll.Count, assessments.List, onRoll) { ShowsDays = assessments.ShowsDays };
    }

    /// <summary>
    /// Every pupil of the stream, with the recent window's start. The window reaches back over the break into the previous
    /// term while the school has fewer than a window of school days in this term; from then on it starts at the term's
    /// start. Whether the term has them is learnt from the stream itself (the first pupils nearly always show them): pupils
    /// wait until it is known, and only when the whole term shows too few days is the reach-back asked for, and the facts
    /// read again if it lies before the read.
    /// </summary>
    private async Task AssessPupilsAsync(AttendanceFactStore.SchoolRead read, PupilAssessor pupils, DateOnly from, CancellationToken ct)
    {
        var (school, term, windowDays) = (pupils.School, pupils.Term, pupils.Thresholds.RecentWindowDays);
        DateOnly? windowFrom = null;
        var termDays = new HashSet<DateOnly>();
        var waiting = new List<(byte[] Key, List<DayFact> Days)>();
        await foreach (var (key, days) in read.PupilsAsync(ct))
        {
            if (windowFrom is { } known)
            {
                pupils.Assess(key, days, known);
                continue;
            }

            foreach (var d in days)
            {
                if (d.Scheduled > 0 && d.Date >= term.Start)
                {
                    termDays.Add(d.Date);
                }
            }

            waiting.Add((key, days));
            if (termDays.Count >= windowDays)
            {
                windowFrom = term.Start;
                pupils.AssessAll(waiting, term.Start);
            }
        }

        if (windowFrom is not null)
        {
            return;
        }

        var reachBack = await facts.ReachBackAsync(school, term, windowDays, ct);
        if (reachBack < from)
        {
            waiting.Clear();
            await foreach (var (key, days) in facts.ReadPupilsAsync(school, reachBack, pupils.AsOf, ct))
            {
                pupils.Assess(key, days, reachBack);
            }
        }
        else
        {
            pupils.AssessAll(waiting, reachBack);
        }
    }

    /// <summary>The flagged pupils' assessments, with their subjects and the day the level was reached.</summary>
    private async Task<(List<Assessment> List, bool ShowsDays)> EvaluateAsync(
        string school, DateOnly asOf, EffectiveThresholds t, List<PupilFigures> flagged, Dictionary<byte[], DateOnly> reached, CancellationToken ct)
    {
        var bySubject = await subjects.ReadAsync(school, flagged.Select(f => (f.PupilKey, f.Recent.From ?? asOf)).ToList(), asOf, ct);
        var showsDays = await facts.ShowsDaysAsync(school, flagged.Select(f => f.Recent.From ?? asOf).DefaultIfEmpty(asOf).Min(), asOf, ct);
        var assessments = flagged.Select(f => RuleEvaluator.Evaluate(f, t, bySubject.GetValueOrDefault(f.PupilKey), showsDays) with
        {
            ReachedOn = reached.TryGetValue(f.PupilKey, out var on) ? on : null,
        }).ToList();
        return (assessments, showsDays);
    }

    /// <summary>
    /// One pupil at a time: their figures and whether they reach a level. Keeps only the flagged pupils' figures and each
    /// pupil's last day (for the roll).
    /// </summary>
    private sealed class PupilAssessor(string school, DateOnly asOf, Term term, EffectiveThresholds t, ISchoolPass? alsoOnThePass)
    {
        private readonly FigureSettings settings = new(t.RecentWindowDays, t.Patterns.RecurringWeekday.Weeks);
        private readonly List<(byte[] Key, DateOnly Last)> seen = [];
        private DateOnly schoolLast = DateOnly.MinValue;

        public string School => school;
        public DateOnly AsOf => asOf;
        public Term Term => term;
        public EffectiveThresholds Thresholds => t;
        public List<PupilFigures> Candidates { get; } = [];
        public Dictionary<byte[], DateOnly> Reached { get; } = new(PupilKeyComparer.Instance);

        public void AssessAll(List<(byte[] Key, List<DayFact> Days)> waiting, DateOnly windowStartDate)
        {
            foreach (var (key, days) in waiting)
            {
                Assess(key, days, windowStartDate);
            }

            waiting.Clear();
        }

        public void Assess(byte[] key, List<DayFact> days, DateOnly windowStartDate)
        {
            // A pupil with no day in this term (left before it, or not back yet) is not the school's to judge this term.
            var span = CollectionsMarshal.AsSpan(days);
            if (span[^1].Date < term.Start)
            {
                return;
            }

            var windowStart = 0;
            while (span[windowStart].Date < windowStartDate)
            {
                windowStart++;
            }

            var f = PupilFigures.Compute(key, school, span[windowStart..], asOf, settings, term.Start);
            alsoOnThePass?.Visit(key, span, f);
            var last = f.LastDate!.Value;
            schoolLast = last > schoolLast ? last : schoolLast;
            seen.Add((key, last));
            if (RuleEvaluator.LevelOf(f, t) is { } level)
            {
                Candidates.Add(f);
                if (LevelReached.On(key, school, span[windowStart..], level, t, settings, asOf, term.Start) is { } on)
                {
                    Reached[key] = on;
                }
            }
        }

        public HashSet<byte[]> OnRoll(Dictionary<byte[], DateOnly[]> arrivals)
        {
            var onRoll = new HashSet<byte[]>(PupilKeyComparer.Instance);
            foreach (var (key, last) in seen)
            {
                if (SchoolRoll.IsOnRoll(last, schoolLast, arrivals.GetValueOrDefault(key), asOf))
                {
                    onRoll.Add(key);
                }
            }

            return onRoll;
        }
    }
}
