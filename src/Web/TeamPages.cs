using System.Globalization;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Analysis.Pages;
using Skolnarvaro.Notifications.Digests;

namespace Skolnarvaro.Web;

/// <summary>The skolnärvaroteam's view: the pupils the schools it serves have asked support for, across those schools.</summary>
public sealed record TeamView(string Schools, IReadOnlyList<TeamCard> Pupils, string? Error)
{
    public string? Notice { get; init; }

    /// <summary>The step a "Ta bort" asks to confirm before anything is removed, as on the rektor's page; null otherwise.</summary>
    public TeamConfirm? Confirm { get; init; }
}

/// <summary>"Ta bort stöd påbörjat 3 december 2026 för Märta Östlund?": the pupil's card, its form and the step.</summary>
public sealed record TeamConfirm(string Name, string StepHref, string Anchor, StepView Step);

/// <summary>One requested pupil: the school's steps, the weeks since the request, and the team's two steps to record.</summary>
/// <param name="LongRunning">Set when support started more than six months ago and has not ended.</param>
public sealed record TeamCard(
    string Anchor, string Name, string ClassName, string School, string SchoolSteps, string RequestedOn, string? LongRunning,
    IReadOnlyList<TeamWeek> Weeks, IReadOnlyList<StepView> Steps, string StepHref);

/// <summary>A school week since the request: giltig and ogiltig frånvaro over registered time, and a bar 0–100.</summary>
public sealed record TeamWeek(string Week, string Share, int Bar);

/// <summary>Builds the team's view from <see cref="TeamPageStore"/>'s reads.</summary>
public static class TeamPages
{
    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");

    /// <summary>Months after "Stöd påbörjat" the view marks a support still running, as the team's digest does.</summary>
    public const int FollowUpMonths = Notifications.Groups.TeamDigestBuilder.FollowUpMonths;

    public static TeamView View(IReadOnlyList<WebSchool> served, IReadOnlyList<TeamPupil> pupils, DateOnly today, string? error) => new(
        string.Join(", ", served.Select(s => s.Name).Order(StringComparer.Create(Sv, false))),
        pupils.Select(p => Card(served.First(s => s.Skolenhetskod == p.Skolenhetskod), p, today)).ToList(), error);

    public static string Anchor(string school, byte[] key) => $"elev-{school}-{WebPages.Ref(key)}";

    public static string StepHref(string school, byte[] key) => $"{TeamAccess.Path}/skola/{school}/elev/{WebPages.Ref(key)}/steg";

    private static TeamCard Card(WebSchool school, TeamPupil p, DateOnly today)
    {
        var i = p.Steps;
        var steps = new[] { InvestigationStep.SupportStarted, InvestigationStep.SupportEnded }.Select(s => WebPages.Step(i, s, today)).ToList();
        // The school's own steps: the request and the team's steps have their own lines on the card.
        var schoolSteps = WebPages.StepText(i with { SupportRequestedOn = null, SupportStartedOn = null, SupportEndedOn = null });
        var longRunning = i is { SupportStartedOn: { } started, SupportEndedOn: null } && today > started.AddMonths(FollowUpMonths)
            ? $"Stödet har pågått i mer än sex månader (sedan {WebPages.Date(started)}). Stäm av med skolan om det ska fortsätta eller avslutas."
            : null;
        return new TeamCard(Anchor(school.Skolenhetskod, p.PupilKey), $"{p.FirstName} {p.LastName}".Trim(), p.ClassName, school.Name, schoolSteps,
            WebPages.Date(i.SupportRequestedOn!.Value), longRunning, Weeks(p.Weeks), steps, StepHref(school.Skolenhetskod, p.PupilKey));
    }

    private static IReadOnlyList<TeamWeek> Weeks(IReadOnlyList<PupilWeek> weeks) => weeks.Where(w => w.Scheduled > 0).Select(w =>
    {
        var share = w.AbsenceShare;
        return new TeamWeek($"v. {ISOWeek.GetWeekOfYear(w.Monday.ToDateTime(TimeOnly.MinValue))}",
            share is { } s ? DigestBuilder.Percent(s) : "–", share is { } b ? (int)Math.Round(100 * Math.Min(1, b)) : 0);
    }).ToList();
}
