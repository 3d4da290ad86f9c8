namespace Skolnarvaro.Analysis.Reporting;

/// <summary>The municipality's absence in one ISO week.</summary>
public sealed record ReportWeek(int IsoYear, int IsoWeek, DateOnly FirstDay, DateOnly LastDay, int Pupils, double? ExcusedShare, double? UnexcusedShare, bool Suppressed);
