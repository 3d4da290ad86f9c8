using Skolnarvaro.Analysis.Investigations;

namespace Skolnarvaro.Web;

/// <summary>
/// Who records which step: the rektor the school's own steps and the support request (only where the school has a
/// skolnärvaroteam to ask), the skolnärvaroteam when support started and ended. Each sees the other's steps, neither records them.
/// </summary>
public static class StepOwners
{
    public static bool RektorRecords(WebSchool school, InvestigationStep step) =>
        WebPages.SchoolSteps.Contains(step) || (step == InvestigationStep.SupportRequested && school.TeamEmails.Count > 0);

    public static bool TeamRecords(InvestigationStep step) => step is InvestigationStep.SupportStarted or InvestigationStep.SupportEnded;

    /// <summary>Why the rektor cannot record the step, in Swedish.</summary>
    public static string NotTheRektors(InvestigationStep step) => TeamRecords(step)
        ? "Stöd påbörjat och stöd avslutat registreras av skolnärvaroteamet. Du kan se stegen men inte ändra dem."
        : "Skolan har inget skolnärvaroteam i kommunens skolregister att begära stöd från.";
}
