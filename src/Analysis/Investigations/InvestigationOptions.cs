namespace Skolnarvaro.Analysis.Investigations;

/// <summary>Skolnarvaro:Investigation: what the huvudman expects of the legal steps.</summary>
public sealed class InvestigationOptions
{
    public const string Section = "Skolnarvaro:Investigation";

    /// <summary>School days a pupil may be at hög frånvaro before an investigation should be recorded as started.</summary>
    public int ExpectedWithinSchoolDays { get; set; } = 10;
}
