using Microsoft.Extensions.Options;

namespace Skolnarvaro.Analysis.Flags;

/// <summary>
/// How often a pupil still at the same level is mentioned again. The key stays under Skolnarvaro:Notifications, where
/// analysts set everything about the digests, but which pupils are worth mentioning is the analysis's decision.
/// </summary>
public sealed class ReminderOptions
{
    public const string Section = "Skolnarvaro:Notifications";

    /// <summary>A pupil still at the same level is reminded in the digest at most this often.</summary>
    public int ReminderCooldownDays { get; set; } = 14;
}

internal sealed class ReminderOptionsValidator : IValidateOptions<ReminderOptions>
{
    public ValidateOptionsResult Validate(string? name, ReminderOptions options) => options.ReminderCooldownDays < 1
        ? ValidateOptionsResult.Fail(
            $"{ReminderOptions.Section}:ReminderCooldownDays = {options.ReminderCooldownDays}: must be at least 1.")
        : ValidateOptionsResult.Success;
}
