namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>Which window an absence-share rule looks at. Windows count school days with scheduled time.</summary>
public enum ShareWindow { RecentOrTerm, Recent, Term }

/// <summary>Which window a minutes rule looks at.</summary>
public enum Window { Recent, Term }
