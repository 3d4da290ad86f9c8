using Microsoft.Extensions.Options;

namespace Skolnarvaro.Analysis.Investigations;

/// <summary>Skolnarvaro:Investigation: what the huvudman expects of the legal steps.</summary>
public sealed class InvestigationOptions
{
    public const string Section = "Skolnarvaro:Investigation";

    /// <summary>School days a pupil may be at hög frånvaro before an investigation should be recorded as started.</summary>
    public int ExpectedWithinSchoolDays { get; set; } = 10;
}

internal sealed class InvestigationOptionsValidator : IValidateOptions<InvestigationOptions>
{
    public ValidateOptionsResult Validate(string? name, InvestigationOptions options) => options.ExpectedWithinSchoolDays is < 1 or > 200
        ? ValidateOptionsResult.Fail(
            $"{InvestigationOptions.Section}:ExpectedWithinSchoolDays = {options.ExpectedWithinSchoolDays}: expected 1 to 200 school days.")
        : ValidateOptionsResult.Success;
}
