namespace Skolnarvaro.Analysis.Investigations;

/// <summary>
/// The order the steps are taken in, Uppsala's hand-off included: inledd → anmäld → stöd begärt → stöd påbörjat → stöd avslutat;
/// "Avslutad" closes the school's investigation and needs only its start. A step needs the one before it, dated no later, and
/// a step cannot be withdrawn (or moved past) while a later one that needs it is recorded.
/// </summary>
public static class StepOrder
{
    /// <summary>The step each step needs first, or null for "Utredning inledd".</summary>
    public static InvestigationStep? Before(InvestigationStep step) => step switch
    {
        InvestigationStep.Started => null,
        InvestigationStep.Reported or InvestigationStep.Closed => InvestigationStep.Started,
        InvestigationStep.SupportRequested => InvestigationStep.Reported,
        InvestigationStep.SupportStarted => InvestigationStep.SupportRequested,
        _ => InvestigationStep.SupportStarted,
    };

    /// <summary>The steps that need this one.</summary>
    public static IEnumerable<InvestigationStep> After(InvestigationStep step) =>
        Enum.GetValues<InvestigationStep>().Where(s => Before(s) == step);

    /// <summary>Throws <see cref="InvestigationRefused"/> with a Swedish reason when the change would break the order.</summary>
    public static void Check(Investigation current, InvestigationStep step, DateOnly? date, DateOnly today)
    {
        if (date is not { } d)
        {
            if (After(step).Any(s => current.On(s) is not null))
            {
                throw new InvestigationRefused("Ta först bort de senare stegen.");
            }

            return;
        }

        if (d > today)
        {
            throw new InvestigationRefused($"Datumet {d:yyyy-MM-dd} ligger i framtiden.");
        }

        if (d < today.AddDays(-InvestigationStore.MaxDaysBack))
        {
            throw new InvestigationRefused($"Datumet {d:yyyy-MM-dd} ligger mer än ett år bakåt.");
        }

        if (Before(step) is { } before)
        {
            var on = current.On(before) ?? throw new InvestigationRefused($"Registrera först {First(before)}.");
            if (d < on)
            {
                throw new InvestigationRefused($"Datumet {d:yyyy-MM-dd} ligger före {Since(before)} ({on:yyyy-MM-dd}).");
            }
        }

        if (After(step).Any(s => current.On(s) < d))
        {
            throw new InvestigationRefused($"{Moved(step)} {d:yyyy-MM-dd}, efter senare steg som redan är registrerade.");
        }
    }

    private static string First(InvestigationStep step) => step switch
    {
        InvestigationStep.Started => "när utredningen inleddes",
        InvestigationStep.Reported => "när eleven anmäldes till huvudmannen",
        InvestigationStep.SupportRequested => "när stöd begärdes från skolnärvaroteamet",
        _ => "när stödet påbörjades",
    };

    private static string Since(InvestigationStep step) => step switch
    {
        InvestigationStep.Started => "utredningens start",
        InvestigationStep.Reported => "anmälan till huvudmannen",
        InvestigationStep.SupportRequested => "begäran om stöd",
        _ => "stödets start",
    };

    private static string Moved(InvestigationStep step) => step switch
    {
        InvestigationStep.Started => "Utredningen kan inte ha inletts",
        InvestigationStep.Reported => "Anmälan till huvudmannen kan inte ha gjorts",
        InvestigationStep.SupportRequested => "Stödet kan inte ha begärts",
        _ => "Stödet kan inte ha påbörjats",
    };
}
