using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Notifications.Groups;

/// <summary>Renders the skolnärvaroteam's digest (team-digest.*.sbn), checked at start against a sample digest like the others.</summary>
public sealed class TeamDigestRenderer
{
    public const string Stem = "team-digest";

    private readonly MailTemplates templates;

    public TeamDigestRenderer(string templateFolder)
    {
        templates = new MailTemplates(templateFolder, Stem);
        Render(SampleModel());
    }

    public RenderedDigest Render(TeamDigestModel model) => templates.Render(model);

    /// <summary>A team digest with every field set: a pupil waiting, one new, one supported for over six months, one listed, a link.</summary>
    public static TeamDigestModel SampleModel()
    {
        School School(string code, string name) => new(code, name) { Huvudman = "Exempelstads kommun" };
        School[] served = [School("12345678", "Exempelskolan"), School("87654321", "Norrbyskolan")];
        var monday = new DateOnly(2026, 11, 2);
        DigestWeek[] weeks = [.. Enumerable.Range(0, 4).Select(i => new DigestWeek(monday.AddDays(7 * i), i == 2 ? null : 0.1 * (i + 2)))];
        TeamCase Case(byte id, string school, string cls, DateOnly requested, DateOnly? started) => new(school, [id, 0, 0], "Märta", "Östlund", cls,
            new DigestInvestigation(new DateOnly(2026, 4, 7), new DateOnly(2026, 4, 20), null, requested, started), weeks);
        TeamCase[] cases =
        [
            Case(1, "12345678", "7B", new DateOnly(2026, 11, 24), null),
            Case(2, "87654321", "5A", new DateOnly(2026, 11, 10), new DateOnly(2026, 11, 16)),
            Case(3, "12345678", "8A", new DateOnly(2026, 4, 27), new DateOnly(2026, 5, 4)),
            Case(4, "87654321", "6C", new DateOnly(2026, 10, 5), new DateOnly(2026, 10, 12)),
        ];
        var rules = new DigestSettings().ForGroup(RecipientGroup.Skolnarvaroteam) with { MaxPupils = 3 };
        return TeamDigestBuilder.Build(rules, served, new DateOnly(2026, 11, 30), cases, new HashSet<string> { Convert.ToHexString([2, 0, 0]), Convert.ToHexString([3, 0, 0]), Convert.ToHexString([4, 0, 0]) }, NameDisplay.FirstNameInitialClass,
            "På Exempelskolan har också rektor fått skolans sammanfattning den här gången.", (_, _) => 4) with
        {
            Link = new DigestLink("https://skolnarvaro.example.se/in?t=exempel", "14 december 2026"),
        };
    }
}
