using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Notifications.Groups;

/// <summary>
/// Renders the groups' digests with their own Scriban templates (group-digest.*.sbn beside the rektorer's), checked at start
/// against a mentor's and elevhälsan's sample digest like the rektorer's.
/// </summary>
public sealed class GroupDigestRenderer
{
    public const string Stem = "group-digest";
    public static readonly string HtmlFile = MailTemplates.HtmlFile(Stem);
    public static readonly string TextFile = MailTemplates.TextFile(Stem);
    public static readonly string SubjectFile = MailTemplates.SubjectFile(Stem);

    private readonly MailTemplates templates;

    public GroupDigestRenderer(string templateFolder)
    {
        templates = new MailTemplates(templateFolder, Stem);
        foreach (var group in new[] { RecipientGroup.Mentor, RecipientGroup.Elevhalsan })
        {
            Render(SampleModel(group));
        }
    }

    public RenderedDigest Render(GroupDigestModel model) => templates.Render(model);

    /// <summary>A group's digest with every field set (cards of each level, one investigated, a long spell, the rest listed, a link).</summary>
    public static GroupDigestModel SampleModel(RecipientGroup group)
    {
        var school = new School("12345678", "Exempelskolan") { Huvudman = "Exempelstads kommun" };
        FlaggedPupil Pupil(byte id, string level, string change, string cls) => new(
            new DigestEntry([id, 0, 0], level, change, change == "Escalated" ? "AtRisk" : null, new DateOnly(2026, 11, 9),
                ["Frånvarande hela dagen 6 skoldagar i följd från 9 november.", "Frånvarande 31 % av den schemalagda tiden de senaste 20 skoldagarna."],
                0.24, 0.31, 20, "Rising", null, null,
                id == 1 ? new DigestInvestigation(new DateOnly(2026, 11, 12), null, null) : null),
            "Märta", "Östlund", cls);
        FlaggedPupil[] pupils =
        [
            Pupil(1, "High", "New", "7B"), Pupil(2, "High", "Escalated", "8A"), Pupil(3, "AtRisk", "AtLevel", "7B"), Pupil(4, "Trend", "New", "8A"),
        ];
        var rules = new DigestSettings().ForGroup(group) with { MaxPupils = 3 };
        return GroupDigestBuilder.Build(rules, school, new DateOnly(2026, 11, 23), new Recipient("Anna Mentor", "anna.mentor@example.se"), ["7B", "8A"],
            pupils, new HashSet<string> { Convert.ToHexString([3, 0, 0]) }, NameDisplay.FirstNameInitialClass,
            ["Skolans senaste export gäller 6 november 2026; uppgifterna kan vara inaktuella."],
            "I dag har också rektor fått skolans sammanfattning.") with
        {
            Link = new DigestLink("https://skolnarvaro.example.se/in?t=exempel", "7 december 2026"),
        };
    }
}
