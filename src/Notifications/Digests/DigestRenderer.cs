using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Notifications.Digests;

public sealed record RenderedDigest(string Subject, string Html, string Text);

/// <summary>
/// Renders digests with the Scriban templates an analyst can edit. Templates are parsed, and rendered once against
/// a sample digest, at start-up: a syntax error or an unknown variable stops the start with file, line and column.
/// </summary>
public sealed class DigestRenderer
{
    public const string Stem = "digest";
    public static readonly string HtmlFile = MailTemplates.HtmlFile(Stem);
    public static readonly string TextFile = MailTemplates.TextFile(Stem);
    public static readonly string SubjectFile = MailTemplates.SubjectFile(Stem);

    private readonly MailTemplates templates;

    public DigestRenderer(string templateFolder)
    {
        templates = new MailTemplates(templateFolder, Stem);
        foreach (var kind in Enum.GetValues<DigestKind>())
        {
            Render(SampleModel(kind));
        }
    }

    public RenderedDigest Render(DigestModel model) => templates.Render(model);

    /// <summary>A digest with every field set (a card of each kind, more lines, a compact list, notes, caveats), to check the templates at start-up.</summary>
    public static DigestModel SampleModel(DigestKind kind = DigestKind.News)
    {
        var monday = new DateOnly(2026, 11, 16);
        DigestWeek[] weeks = [.. Enumerable.Range(0, 8).Select(i => new DigestWeek(monday.AddDays(7 * (i - 7)), i is 2 or 3 ? null : 0.05 * i, Lov: i == 2))];
        var school = new School("12345678", "Exempelskolan")
        {
            Huvudman = "Exempelstads kommun", Rektorer = [new Recipient("Anna Rektor", "anna.rektor@example.se")],
        };
        FlaggedPupil Pupil(byte id, string level, string change, string? from, string cls, DigestSpell? spell = null) => new(
            new DigestEntry([id, 0, 0], level, change, from, new DateOnly(2026, 11, 20), ["Frånvarande 31 % av den schemalagda tiden de senaste 20 skoldagarna."],
                0.24, 0.31, 20, "Rising", spell, weeks,
                id == 1 ? new DigestInvestigation(new DateOnly(2026, 11, 12), new DateOnly(2026, 11, 14), null) : null),
            "Märta", "Östlund", cls);
        FlaggedPupil[] pupils =
        [
            Pupil(1, "High", "New", null, "7B"),
            Pupil(2, "High", "Escalated", "AtRisk", "8A"),
            Pupil(3, "AtRisk", "Reminder", null, "9C", new DigestSpell(new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 13))),
            Pupil(4, "Trend", "New", null, "9C"),
        ];
        return DigestBuilder.Build(school, new DateOnly(2026, 11, 20), kind, pupils, new DigestRequest([.. pupils.Select(p => p.Entry)], kind == DigestKind.Overview, 2, false)
            {
                AlsoTold = "I dag har också elevhälsan och mentorerna i 7B och 8A fått sina elever.", ClassesWithoutMentor = ["9C"],
            },
            ["Skolans senaste export gäller 6 november 2026; uppgifterna kan vara inaktuella."], NameDisplay.FirstNameInitialClass, 2, new DateOnly(2026, 11, 9)) with
        {
            Link = new DigestLink("https://skolnarvaro.example.se/in?t=exempel", "4 december 2026"),
        };
    }
}
