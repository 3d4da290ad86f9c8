using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Trend;

/// <summary>Whether the nightly run scores with a model, and how that is said in the run summary and the ops report.</summary>
public sealed record TrendModelStatus(long? Version, bool Scoring, string Summary, string OpsNote)
{
    public static TrendModelStatus ThresholdsOnly(string why) =>
        new(null, false, $"thresholds only: {why}", "Nivåerna bygger enbart på tröskelvärdena: ingen kvalificerad trendmodell är aktiv.");
}

/// <summary>The Trend flags of one school on one date, and the model that made them.</summary>
public sealed record TrendSchoolResult(TrendModelStatus Model, IReadOnlyList<Assessment> Trend, int Candidates)
{
    /// <summary>The school's threshold assessment with the Trend flags added, ready for <c>FlagStore.RecordAsync</c>.</summary>
    public SchoolAssessment MergeInto(SchoolAssessment thresholds) =>
        Trend.Count == 0 ? thresholds : thresholds with { Flagged = [.. thresholds.Flagged, .. Trend] };
}

/// <summary>A pupil not at a level, with the figures the rules saw and the features the model reads.</summary>
public sealed record TrendCandidate(PupilFigures Figures, TrendFeatures Features);

/// <summary>
/// Scores the nightly run's pupils who are on the roll but not at a level: those whose probability of reaching hög
/// frånvaro within the horizon reaches the cut-off get the level Trend (stigande frånvaro), with descriptions from the
/// features that drove their score. Only an active model that qualifies scores: it reads the features this code
/// computes and its held-out AUC reaches Skolnarvaro:Trend:MinimumAuc. Otherwise the run uses thresholds only.
/// </summary>
public sealed class TrendScoring(AttendanceFactStore facts, NpgsqlDataSource db, TrendModelStore models, IOptions<TrendOptions> options)
{
    private readonly SemaphoreSlim loading = new(1, 1);
    private (long Version, TrendModel Model)? loaded;

    /// <summary>The model the nightly run would score with now, or why it would use thresholds only.</summary>
    public async Task<TrendModelStatus> StatusAsync(CancellationToken ct = default) => (await ModelAsync(ct)).Status;

    public async Task<TrendSchoolResult> ScoreSchoolAsync(string skolenhetskod, DateOnly asOf, SchoolAssessment thresholds, CancellationToken ct = default)
    {
        var (status, model) = await ModelAsync(ct);
        if (model is null)
        {
            return new TrendSchoolResult(status, [], 0);
        }

        var candidates = await CandidatesAsync(skolenhetskod, asOf, thresholds, ct);
        var scores = model.Score(candidates.Select(c => c.Features.ToVector()).ToList());
        var cutOff = options.Value.CutOff;
        var flagged = new List<Assessment>();
        for (var i = 0; i < candidates.Count; i++)
        {
            if (scores[i] < cutOff)
            {
                continue;
            }

            var c = candidates[i];
            var contributions = model.Explain(c.Features.ToVector());
            flagged.Add(new Assessment(c.Figures, Level.Trend, TrendDescriptions.Describe(c.Features, contributions.Select(x => x.Feature)))
            {
                RulesMet = [$"Trend:Model:v{status.Version}"],
                LateCountsAsAbsence = thresholds.Thresholds.LateCountsAsAbsence,
                TrendScore = new TrendScore(status.Version!.Value, scores[i],
                    contributions.Take(5).Select(x => new TrendContribution(TrendFeatures.Names[x.Feature], x.Contribution)).ToList()),
            });
        }

        return new TrendSchoolResult(status, flagged, candidates.Count);
    }

    /// <summary>
    /// The pupils the model may flag, with their features computed exactly as for training (<see cref="TrendFeatures.Compute"/>
    /// over the facts up to the date): on the roll, enough scheduled days, not at a level.
    /// </summary>
    public async Task<IReadOnlyList<TrendCandidate>> CandidatesAsync(string school, DateOnly asOf, SchoolAssessment thresholds, CancellationToken ct = default)
    {
        var t = thresholds.Thresholds;
        var flagged = thresholds.Flagged.Where(a => a.Level is not null).Select(a => a.Figures.PupilKey).ToHashSet(PupilKeyComparer.Instance);
        var pupils = await TrendPupils.ReadAsync(db, school, ct);
        var termStart = Term.Containing(asOf).Start;
        var settings = new FigureSettings(t.RecentWindowDays, t.Patterns.RecurringWeekday.Weeks);
        var candidates = new List<TrendCandidate>();
        await foreach (var (key, days) in facts.ReadPupilsAsync(school, TrendPupils.FactsFrom(asOf), asOf, ct))
        {
            if (!thresholds.OnRoll.Contains(key) || flagged.Contains(key))
            {
                continue;
            }

            var span = CollectionsMarshal.AsSpan(days);
            var termFrom = 0;
            while (termFrom < span.Length && span[termFrom].Date < termStart)
            {
                termFrom++;
            }

            var figures = PupilFigures.Compute(key, school, span[termFrom..], asOf, settings);
            if (figures.ScheduledDays < t.MinimumScheduledDays)
            {
                continue;
            }

            candidates.Add(new TrendCandidate(figures, TrendFeatures.Compute(span, asOf, pupils.GetValueOrDefault(key).GradeOn(asOf))));
        }

        return candidates;
    }

    private async Task<(TrendModelStatus Status, TrendModel? Model)> ModelAsync(CancellationToken ct)
    {
        var active = await models.ActiveAsync(ct);
        if (active is null)
        {
            return (TrendModelStatus.ThresholdsOnly("no active model"), null);
        }

        if (!active.MatchesFeatures)
        {
            return (TrendModelStatus.ThresholdsOnly($"the active model v{active.Version} reads other features than this version computes; retrain"), null);
        }

        var minimum = options.Value.MinimumAuc;
        if (active.HeldOutAuc < minimum)
        {
            return (TrendModelStatus.ThresholdsOnly(
                $"the active model v{active.Version} has held-out AUC {F(active.HeldOutAuc)}, below Skolnarvaro:Trend:MinimumAuc {F(minimum)}"), null);
        }

        // Loaded once per version: the nightly run scores every school with the same model.
        await loading.WaitAsync(ct);
        try
        {
            if (loaded is not { } l || l.Version != active.Version)
            {
                loaded = (active.Version, await models.LoadAsync(active, ct));
            }

            var auc = active.HeldOutAuc.ToString("0.00", CultureInfo.GetCultureInfo("sv-SE"));
            var cutOff = RuleEvaluator.Percent(options.Value.CutOff);
            return (new TrendModelStatus(active.Version, true, $"model v{active.Version} active (held-out AUC {F(active.HeldOutAuc)})",
                $"Trendmodell v{active.Version} är aktiv (AUC {auc} på sin testperiod): stigande frånvaro när sannolikheten att nå hög " +
                $"frånvaro inom {options.Value.HorizonWeeks} skolveckor är minst {cutOff}."), loaded.Value.Model);
        }
        finally
        {
            loading.Release();
        }
    }

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
}

/// <summary>What the model said about a pupil it flagged: kept with the flag's figures for analysts.</summary>
public sealed record TrendScore(long ModelVersion, float Probability, IReadOnlyList<TrendContribution> Contributions);

public sealed record TrendContribution(string Feature, float Contribution);
