namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>A pupil's level, from the least to the most serious: Trend (the model's), riskfrånvaro, hög frånvaro.</summary>
public enum Level { Trend = 1, AtRisk = 2, High = 3 }
