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
    /// <summary>The active model's stored cut-off for Trend flags (see <see cref="TrendModelInfo.TrendCutOff"/>).</summary>
    public double? TrendCutOff { get; init; }

    public static TrendModelStatus ThresholdsOnly(string why) =>
        new(null, false, $"thresholds only: {why}", "Nivåerna bygger enbart på tröskelvärdena: ingen kvalificerad trendmodell är aktiv.");
}

/// <summary>The model a run scores with and how the run says so; no model: thresholds only.</summary>
public sealed record ScoringModel(TrendModelStatus Status, TrendModel? Model);

/// <summary>The Trend flags of one school on one date, and the model that made them.</summary>
public sealed record TrendSchoolResult(TrendModelStatus Model, IReadOnlyList<Assessment> Trend, int Candidates)
{
    /// <summary>
    /// What the digest's concern order needs about every scored pupil on the roll (rule flags included), by pupil key;
    /// empty when the run uses thresholds only. See <see cref="PupilConcern.Order"/>.
    /// </summary>
    public IReadOnlyDictionary<byte[], PupilConcern> Concerns { get; init; } = new Dictionary<byte[], PupilConcern>(PupilKeyComparer.Instance);

    /// <summary>The school's threshold assessment with the Trend flags added, ready for <c>FlagStore.RecordAsync</c>.</summary>
    public SchoolAssessment MergeInto(SchoolAssessment thresholds) =>
        Trend.Count == 0 ? thresholds : thresholds with { Flagged = [.. thresholds.Flagged, .. Trend] };

    /// <summary>
    /// A Trend flag for a pupil the model scored tonight at no level, whatever their probability: how a Trend flag raised on
    /// an earlier night is held until a digest has told the rektor about it. Null: not scored tonight, or at a level.
    /// </summary>
    public Func<byte[], Assessment?> Hold { get; init; } = _ => null;
}

/// <summary>A pupil not at a level, with the figures the rules saw and the features the model reads.</summary>
public sealed record TrendCandidate(PupilFigures Figures, TrendFeatures Features);

/// <summary>
/// Scores the nightly run's pupils who are on the roll but not at a level: those whose probability of reaching hög
/// frånvaro within the horizon reaches the cut-off get the level Trend (stigande frånvaro), with descriptions from the
/// features that drove their score. Only an active model that qualifies scores: it reads the features this code
/// computes and its held-out AUC reaches Skolnarvaro:Trend:MinimumAuc. Otherwise the run uses thresholds only.
/// </summary>
public sealed class TrendScoring(
    AttendanceFactStore facts, NpgsqlDataSource db, TrendModelStore models, ThresholdAnalysis analysis, IOptions<ThresholdOptions> thresholdOptions,
    IOptions<TrendOptions> options)
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
        return Score(status, model, thresholds, candidates);
    }

    /// <summary>
    /// The nightly run's analysis of a school in one pass over its facts: the rules' levels (<see cref="ThresholdAnalysis"/>)
    /// and, with a qualifying model, every pupil's features, calibrated probability and illness-spell qualifier from the same
    /// stream. Without a model it is the rules' analysis alone, reading only the term's facts.
    /// </summary>
    public async Task<(SchoolAssessment Assessment, TrendSchoolResult Trend)> AssessAndScoreSchoolAsync(
        string skolenhetskod, DateOnly asOf, CancellationToken ct = default) =>
        await AssessAndScoreSchoolAsync(skolenhetskod, asOf, await ModelAsync(ct), ct);

    /// <summary>
    /// As above with a given model instead of the active one (or thresholds alone): how the evaluation replays the nightly
    /// run with the model it evaluates, through the same code.
    /// </summary>
    public async Task<(SchoolAssessment Assessment, TrendSchoolResult Trend)> AssessAndScoreSchoolAsync(
        string skolenhetskod, DateOnly asOf, ScoringModel scoring, CancellationToken ct = default)
    {
        var (status, model) = scoring;
        if (model is null)
        {
            return (await analysis.AssessSchoolAsync(skolenhetskod, asOf, thresholdOptions.Value, ct), new TrendSchoolResult(status, [], 0));
        }

        var pass = new FeaturePass(asOf, await TrendPupils.ReadAsync(db, skolenhetskod, ct));
        var assessment = await analysis.AssessSchoolAsync(skolenhetskod, asOf, thresholdOptions.Value, ct, pass);
        var t = assessment.Thresholds;
        var candidates = pass.Pupils.Where(c => assessment.OnRoll.Contains(c.Figures.PupilKey) && c.Figures.ScheduledDays >= t.MinimumScheduledDays).ToList();
        return (assessment, Score(status, model, assessment, candidates));
    }

    /// <summary>Collects every pupil's trend features on the rules' pass.</summary>
    private sealed class FeaturePass(DateOnly asOf, Dictionary<byte[], TrendPupil> pupils) : ISchoolPass
    {
        public DateOnly FactsFrom { get; } = TrendPupils.FactsFrom(asOf);

        public List<TrendCandidate> Pupils { get; } = [];

        public void Visit(byte[] pupilKey, ReadOnlySpan<DayFact> facts, PupilFigures termFigures) =>
            Pupils.Add(new TrendCandidate(termFigures, TrendFeatures.Compute(facts, asOf, pupils.GetValueOrDefault(pupilKey).GradeOn(asOf))));
    }

    /// <summary>Trend flags for candidates at no level whose probability reaches the cut-off; a concern for every candidate.</summary>
    private TrendSchoolResult Score(TrendModelStatus status, TrendModel model, SchoolAssessment thresholds, IReadOnlyList<TrendCandidate> all)
    {
        var atLevel = thresholds.Flagged.Where(a => a.Level is not null).Select(a => a.Figures.PupilKey).ToHashSet(PupilKeyComparer.Instance);
        var allScores = model.Score(all.Select(c => c.Features.ToVector()).ToList());
        var concerns = new Dictionary<byte[], PupilConcern>(PupilKeyComparer.Instance);
        for (var i = 0; i < all.Count; i++)
        {
            concerns[all[i].Figures.PupilKey] = new PupilConcern(allScores[i], IllnessSpell.IsFinished(all[i].Features));
        }

        var candidates = all.Where(c => !atLevel.Contains(c.Figures.PupilKey)).ToList();
        var scores = candidates.Select(c => concerns[c.Figures.PupilKey].Probability!.Value).ToArray();
        var cutOff = CutOff(status);
        var flagged = new List<Assessment>();
        for (var i = 0; i < candidates.Count; i++)
        {
            if (scores[i] < cutOff)
            {
                continue;
            }

            flagged.Add(TrendAssessment(status, model, thresholds, candidates[i], scores[i]));
        }

        var byKey = candidates.ToDictionary(c => c.Figures.PupilKey, PupilKeyComparer.Instance);
        return new TrendSchoolResult(status, flagged, candidates.Count)
        {
            Concerns = concerns,
            Hold = key => byKey.TryGetValue(key, out var c) ? TrendAssessment(status, model, thresholds, c, concerns[key].Probability!.Value) : null,
        };
    }

    private static Assessment TrendAssessment(TrendModelStatus status, TrendModel model, SchoolAssessment thresholds, TrendCandidate c, float probability)
    {
        var contributions = model.Explain(c.Features.ToVector());
        return new Assessment(c.Figures, Level.Trend, TrendDescriptions.Describe(c.Features, contributions.Select(x => x.Feature)))
        {
            RulesMet = [$"Trend:Model:v{status.Version}"],
            LateCountsAsAbsence = thresholds.Thresholds.LateCountsAsAbsence,
            TrendScore = new TrendScore(status.Version!.Value, probability,
                contributions.Take(5).Select(x => new TrendContribution(TrendFeatures.Names[x.Feature], x.Contribution)).ToList()),
        };
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

    /// <summary>The model's own cut-off (chosen for Trend:MaxAddedShare on its held-out period), never below Trend:CutOff.</summary>
    private double CutOff(TrendModelStatus status) => Math.Max(options.Value.CutOff, status.TrendCutOff ?? options.Value.CutOff);

    /// <summary>The nightly run's scoring with <paramref name="info"/> as if it were the active model; null: thresholds alone.</summary>
    public async Task<ScoringModel> ScoringWithAsync(TrendModelInfo? info, CancellationToken ct = default) =>
        info is null ? new ScoringModel(TrendModelStatus.ThresholdsOnly("thresholds alone, by choice"), null) : await ModelAsync(info, ct);

    private async Task<ScoringModel> ModelAsync(CancellationToken ct)
    {
        var active = await models.ActiveAsync(ct);
        return active is null ? new ScoringModel(TrendModelStatus.ThresholdsOnly("no active model"), null) : await ModelAsync(active, ct);
    }

    private async Task<ScoringModel> ModelAsync(TrendModelInfo active, CancellationToken ct)
    {

        if (!active.MatchesFeatures)
        {
            return new ScoringModel(TrendModelStatus.ThresholdsOnly($"the active model v{active.Version} reads other features than this version computes; retrain"), null);
        }

        var minimum = options.Value.MinimumAuc;
        if (active.HeldOutAuc < minimum)
        {
            return new ScoringModel(TrendModelStatus.ThresholdsOnly(
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
            var cutOff = RuleEvaluator.Percent(Math.Max(options.Value.CutOff, active.TrendCutOff ?? options.Value.CutOff));
            var what = active.Label switch
            {
                TrendLabel.Lasting => $"att frånvaron de kommande {active.HorizonWeeks} skolveckorna sammantaget når nivån",
                TrendLabel.Onset => $"att en frånvaro som de följande {active.HorizonWeeks} skolveckorna sammantaget når nivån börjar inom kort",
                _ => $"att nå hög frånvaro inom {active.HorizonWeeks} skolveckor",
            };
            return new ScoringModel(new TrendModelStatus(active.Version, true, $"model v{active.Version} active (held-out AUC {F(active.HeldOutAuc)})",
                $"Trendmodell v{active.Version} är aktiv (AUC {auc} på sin testperiod): stigande frånvaro när sannolikheten {what} " +
                $"är minst {cutOff}.") { TrendCutOff = active.TrendCutOff }, loaded.Value.Model);
        }
        finally
        {
            loading.Release();
        }
    }

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
}

/// <summary>
/// How concerned to be about a pupil, beside their level: the model's calibrated probability of lasting absence (null
/// without a qualifying model) and whether their recent absence is a finished illness spell (mostly whole days of giltig
/// frånvaro, and back at school for <see cref="IllnessSpell.DaysBack"/> days), which the digest names as such and puts last.
/// </summary>
public sealed record PupilConcern(float? Probability, bool FinishedIllnessSpell)
{
    /// <summary>
    /// The order within a level: finished illness spells last, then the highest probability first (pupils without one after
    /// those with one). The level itself comes first and is the digest's to apply.
    /// </summary>
    public static readonly IComparer<PupilConcern> Order = Comparer<PupilConcern>.Create((a, b) =>
        a.FinishedIllnessSpell != b.FinishedIllnessSpell ? a.FinishedIllnessSpell.CompareTo(b.FinishedIllnessSpell)
        : (b.Probability ?? -1).CompareTo(a.Probability ?? -1));
}
