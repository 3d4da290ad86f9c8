namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>What the trend model said about a pupil it flagged, kept with the flag's figures for analysts. It lives with the
/// assessment it is part of, so the rules need not know the model (Trend depends on Thresholds, not the other way).</summary>
public sealed record TrendScore(long ModelVersion, float Probability, IReadOnlyList<TrendContribution> Contributions);

public sealed record TrendContribution(string Feature, float Contribution);
