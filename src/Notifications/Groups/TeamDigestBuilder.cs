using System.Globalization;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Notifications.Groups;

/// <summary>
/// A pupil a school has asked the skolnärvaroteam's support for, as the night hands them to the team's digest: the school's
/// steps and the school weeks since the week of the request.
/// </summary>
public sealed record TeamCase(
    string School, byte[] PupilKey, string FirstName, string LastName, string ClassName, DigestInvestigation Steps, IReadOnlyList<DigestWeek> Weeks)
{
    public DateOnly RequestedOn => Steps.SupportRequestedOn ?? throw new InvalidOperationException("a team case has its support request");

    /// <summary>Support requested and not ended: the team's to act on.</summary>
    public bool IsOpen => Steps.SupportRequestedOn is not null && Steps.SupportEndedOn is null;

    /// <summary>
    /// The case as it stood on <paramref name="night"/>: null when the request is dated after it, the steps dated after it
    /// left out, so a night run for an earlier date (a catch-up, a replay) tells what was true then.
    /// </summary>
    public TeamCase? On(DateOnly night)
    {
        DateOnly? By(DateOnly? d) => d <= night ? d : null;
        var s = Steps;
        return s.SupportRequestedOn is not { } requested || requested > night ? null : this with
        {
            Steps = new DigestInvestigation(By(s.StartedOn), By(s.ReportedOn), By(s.ClosedOn), requested, By(s.SupportStartedOn), By(s.SupportEndedOn)),
            Weeks = [.. Weeks.Where(w => w.Monday <= night)],
        };
    }
}

/// <summary>What the team's digest template sees (snake_case in Scriban: schools, summary, pupils…).</summary>
/// <param name="Schools">The schools the address serves that have a pupil in the mail, by name.</param>
/// <param name="Sender">"för Exempelstads kommun", or empty when the schools have more than one huvudman.</param>
public sealed record TeamDigestModel(
    string RunDate, string Schools, string Summary, IReadOnlyList<string> FirstSteps, IReadOnlyList<TeamDigestPupil> Pupils,
    IReadOnlyList<string> Listed, string AlsoTold, string Sender, int Total, int New)
{
    /// <summary>The team's personal link to its view of the requested pupils, or null where the pages do not serve it.</summary>
    public DigestLink? Link { get; init; }
}

/// <summary>One requested pupil's card in the team's digest.</summary>
/// <param name="Status">"Väntar på att stödet påbörjas · begärt 2 december, 4 skoldagar sedan" or "Stöd påbörjat 20 november".</param>
/// <param name="Steps">Every step the school and the team have recorded, in one line.</param>
/// <param name="Weeks">"v. 48 32 % · v. 49 28 %": absence over registered time, each school week since the request's week.</param>
/// <param name="Action">What the team does next for this pupil, in one sentence.</param>
public sealed record TeamDigestPupil(
    string DisplayName, string ClassName, string School, bool IsNew, string Status, string Steps, string Weeks, string Action);

/// <summary>
/// Composes the skolnärvaroteam's digest: every pupil whose support the schools it serves have requested and the team has not
/// ended, the ones waiting for support to start first, each with the school's steps and the weeks since the request. A pupil
/// the team's last digest did not hold is marked "Ny begäran"; in its first digest every pupil is new, so none is marked.
/// </summary>
public static class TeamDigestBuilder
{
    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");

    /// <summary>Months after "Stöd påbörjat" a support still running is pointed out: Uppsala's koordinatorer follow a pupil up to six.</summary>
    public const int FollowUpMonths = 6;

    /// <summary>Weeks of the course a card shows at most, the latest.</summary>
    private const int WeeksShown = 6;

    /// <param name="toldBefore">The pupils (keys, hex) the team's last digest held; null for its first digest.</param>
    /// <param name="schoolDaysSince">School days after a date up to the run date at a school.</param>
    public static TeamDigestModel Build(
        GroupRules rules, IReadOnlyList<School> served, DateOnly runDate, IReadOnlyList<TeamCase> cases, IReadOnlySet<string>? toldBefore, NameDisplay names,
        string alsoTold, Func<string, DateOnly, int> schoolDaysSince)
    {
        bool IsNew(TeamCase c) => toldBefore is not null && !toldBefore.Contains(Convert.ToHexString(c.PupilKey));
        var ordered = cases.OrderBy(c => c.Steps.SupportStartedOn is not null).ThenBy(c => c.RequestedOn)
            .ThenBy(c => served.ToList().FindIndex(s => s.Skolenhetskod == c.School)).ThenBy(c => c.ClassName, DigestBuilder.ClassOrder.Instance).ToList();
        string SchoolName(TeamCase c) => served.First(s => s.Skolenhetskod == c.School).Name;
        var cards = ordered.Take(rules.MaxPupils).Select(c => new TeamDigestPupil(
            DigestBuilder.DisplayName(c.PupilKey, c.FirstName, c.LastName, names), c.ClassName, SchoolName(c), IsNew(c),
            Status(c, schoolDaysSince(c.School, c.RequestedOn)), DigestBuilder.Step(c.Steps) ?? "", Weeks(c.Weeks), Action(c, runDate))).ToList();
        var listed = ordered.Skip(rules.MaxPupils)
            .Select(c => $"{DigestBuilder.DisplayName(c.PupilKey, c.FirstName, c.LastName, names)}, {c.ClassName}, {SchoolName(c)}").ToList();
        var schools = served.Where(s => cases.Any(c => c.School == s.Skolenhetskod)).ToList();
        var huvudmän = schools.Select(s => s.Huvudman).Distinct().ToList();
        return new TeamDigestModel(
            DigestBuilder.Date(runDate), DigestBuilder.Join([.. schools.Select(s => s.Name)]), Summary(cases, cases.Count(IsNew)), FirstSteps,
            cards, listed, alsoTold, huvudmän.Count == 1 && huvudmän[0].Length > 0 ? $"för {huvudmän[0]}" : "", cases.Count, cases.Count(IsNew));
    }

    private static readonly IReadOnlyList<string> FirstSteps =
    [
        "Kontakta skolan om elever som väntar på att stödet ska påbörjas: rektor har anmält frånvaron till huvudmannen och begärt ert stöd.",
        "Registrera Stöd påbörjat och Stöd avslutat på er sida, så ser skolan och huvudmannen var stödet står.",
    ];

    /// <summary>"Skolorna har begärt stöd för 3 elever, 1 av dem ny sedan förra sammanfattningen. 2 väntar på att stödet påbörjas och 1 har pågående stöd."</summary>
    private static string Summary(IReadOnlyList<TeamCase> cases, int news)
    {
        var waiting = cases.Count(c => c.Steps.SupportStartedOn is null);
        var started = cases.Count - waiting;
        var first = $"Skolorna har begärt stöd för {Pupils(cases.Count)}" +
                    (news > 0 ? $", {news} av dem {(news == 1 ? "ny" : "nya")} sedan förra sammanfattningen." : ".");
        var second = (waiting, started) switch
        {
            (0, _) => started == 1 ? "Eleven har pågående stöd." : "Alla har pågående stöd.",
            (_, 0) => waiting == 1 ? "Eleven väntar på att stödet påbörjas." : "Alla väntar på att stödet påbörjas.",
            _ => $"{waiting} väntar på att stödet påbörjas och {started} har pågående stöd.",
        };
        return $"{first} {second}";
    }

    private static string Status(TeamCase c, int schoolDays) => c.Steps.SupportStartedOn is { } started
        ? $"Stöd påbörjat {started.ToString("d MMMM", Sv)}"
        : $"Väntar på att stödet påbörjas · begärt {c.RequestedOn.ToString("d MMMM", Sv)}, {(schoolDays == 1 ? "1 skoldag" : $"{schoolDays} skoldagar")} sedan";

    private static string Action(TeamCase c, DateOnly runDate) => c.Steps.SupportStartedOn switch
    {
        null => "Kontakta skolan och registrera Stöd påbörjat när stödet har börjat.",
        { } started when runDate > started.AddMonths(FollowUpMonths) =>
            "Stödet har pågått i mer än sex månader: stäm av med skolan om det ska fortsätta eller avslutas.",
        _ => "Följ upp med skolan och registrera Stöd avslutat när stödet är klart.",
    };

    private static string Weeks(IReadOnlyList<DigestWeek> weeks)
    {
        var shown = weeks.Where(w => !w.Lov).TakeLast(WeeksShown).ToList();
        return shown.Count == 0 ? "Ingen registrerad närvaro sedan begäran ännu."
            : string.Join(" · ", shown.Select(w => $"v. {ISOWeek.GetWeekOfYear(w.Monday.ToDateTime(TimeOnly.MinValue))} {(w.Share is { } s ? DigestBuilder.Percent(s) : "–")}"));
    }

    private static string Pupils(int n) => n == 1 ? "1 elev" : $"{n} elever";
}
