using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Notifications.Groups;

/// <summary>
/// Composes a mentor's or elevhälsan's digest: whose pupils it is about, what to do first, at most MaxPupils short cards in
/// concern order and the rest by name. It is a list of who is at the group's levels now, not only news: a mentor acts on the
/// whole list, and a pupil new since the last digest is marked "Ny".
/// </summary>
public static class GroupDigestBuilder
{
    public static GroupDigestModel Build(
        GroupRules rules, School school, DateOnly runDate, Recipient recipient, IReadOnlyList<string> classes, IReadOnlyList<FlaggedPupil> pupils,
        IReadOnlySet<string> longSpells, NameDisplay names, IReadOnlyList<string> caveats, string alsoTold, bool first = false)
    {

        bool Long(FlaggedPupil p) => longSpells.Contains(Convert.ToHexString(p.Entry.PupilKey));
        var mentor = rules.Group == RecipientGroup.Mentor;
        var cards = pupils.Take(rules.MaxPupils).Select(p => Card(p, names, mentor, Long(p), first)).ToList();
        var listed = pupils.Skip(rules.MaxPupils)
            .GroupBy(p => (p.Entry.LevelCode, p.ClassName))
            .OrderBy(g => Array.IndexOf(["High", "AtRisk", "Trend"], g.Key.LevelCode)).ThenBy(g => g.Key.ClassName, DigestBuilder.ClassOrder.Instance)
            .Select(g => new DigestListed(DigestBuilder.LevelLabel(g.Key.LevelCode), g.Key.ClassName, g.Count(),
                string.Join(", ", g.Select(p => DigestBuilder.DisplayName(p, names)))))
            .ToList();
        var scope = mentor ? DigestBuilder.Join([.. classes]) : school.Name;
        return new GroupDigestModel(
            rules.Group.ToString(), school.Name, school.Huvudman, DigestBuilder.Date(runDate),
            mentor ? $"Hej {recipient.Name}," : "Hej elevhälsan,", scope,
            mentor ? MentorSummary(scope, classes.Count, pupils, first) : HealthSummary(pupils, Long),
            mentor ? MentorSteps : pupils.Any(Long) ? HealthSteps : HealthSteps[..1], cards, listed, alsoTold, caveats, pupils.Count);
    }

    private static readonly IReadOnlyList<string> MentorSteps =
    [
        "Kontakta vårdnadshavarna till elever som är nya här, helst den här veckan: berätta vad ni ser och fråga hur det är.",
        "Prata med eleven: hur fungerar skoldagarna, och vad gör det svårt att komma?",
        "Berätta för rektor eller elevhälsan vad du får veta. Rektor ansvarar för att frånvaron utreds.",
    ];

    /// <summary>The investigation first; the second line only when a pupil in the mail has a long spell.</summary>
    private static readonly string[] HealthSteps =
    [
        "Upprepad eller längre frånvaro ska utredas skyndsamt, giltig eller inte (skollagen 7 kap. 19 a §). Se till att utredningen är inledd och anmäld till huvudmannen.",
        "Vid en lång sammanhängande frånvaro: ta reda på om eleven är tillbaka och vad som behövs för att eleven ska komma tillbaka.",
    ];

    /// <summary>"I 4A och 5B har 6 elever frånvaro över gränserna, 2 av dem nya. 1 elev har en frånvaro som ökar men ännu är under gränserna."</summary>
    private static string MentorSummary(string scope, int classCount, IReadOnlyList<FlaggedPupil> pupils, bool first)
    {
        var over = pupils.Where(p => p.Entry.LevelCode != "Trend").ToList();
        // The group's first digest has no last one to be new since.
        var news = first ? 0 : over.Count(p => p.Entry.IsNews);
        var rising = pupils.Count - over.Count;
        var where = classCount == 1 ? $"I {scope}" : $"I dina klasser {scope}";
        var sentences = new List<string>();
        if (over.Count > 0)
        {
            sentences.Add($"{where} har {Pupils(over.Count)} frånvaro över gränserna" + (news > 0 ? $", {news} av dem {(news == 1 ? "ny" : "nya")} sedan förra sammanfattningen." : "."));
        }

        if (rising > 0)
        {
            sentences.Add(over.Count > 0
                ? $"Dessutom har {Pupils(rising)} en frånvaro som ökar men ännu är under gränserna."
                : $"{where} har {Pupils(rising)} en frånvaro som ökar men ännu är under gränserna.");
        }

        return string.Join(" ", sentences);
    }

    /// <summary>"På skolan har 9 elever hög frånvaro och 2 till en lång sammanhängande frånvaro. 4 av dem har ingen utredning registrerad."</summary>
    private static string HealthSummary(IReadOnlyList<FlaggedPupil> pupils, Func<FlaggedPupil, bool> longSpell)
    {
        var high = pupils.Count(p => p.Entry.LevelCode == "High");
        var spellsBelow = pupils.Count(p => p.Entry.LevelCode != "High" && longSpell(p));
        var others = pupils.Count - high - spellsBelow;
        var parts = DigestBuilder.Join(
            high > 0 ? $"{Pupils(high)} hög frånvaro" : null,
            spellsBelow > 0 ? $"{(high > 0 ? $"{spellsBelow} till" : Pupils(spellsBelow))} en lång sammanhängande frånvaro" : null,
            others > 0 ? $"{(high + spellsBelow > 0 ? $"{others} till" : Pupils(others))} frånvaro på de nivåer elevhälsan får" : null);
        var without = pupils.Count(p => p.Entry.Investigation?.StartedOn is null);
        var steps = without == 0 ? "Alla har en utredning registrerad."
            : without == pupils.Count ? (without == 1 ? "Eleven har ingen utredning registrerad." : "Ingen av dem har en utredning registrerad.")
            : $"{without} av dem har ingen utredning registrerad.";
        return $"På skolan har {parts}. {steps}";
    }

    private static GroupDigestPupil Card(FlaggedPupil p, NameDisplay names, bool mentor, bool longSpell, bool first)
    {
        // In the group's first digest everyone is new to the recipient: no "Ny" on each card, and the first step for all.
        var e = first && p.Entry.LevelCode != "Trend" ? p.Entry with { ChangeCode = "New", FromLevelCode = null } : p.Entry;
        var change = e.IsNews && !first ? DigestBuilder.ChangeLabel(e) : "";
        var step = DigestBuilder.Step(e.Investigation);
        return new GroupDigestPupil(
            DigestBuilder.DisplayName(p, names), p.ClassName, DigestBuilder.LevelLabel(e.LevelCode), e.LevelCode, change,
            DigestBuilder.Date(e.Since), DigestBuilder.Percent(e.TermShare), DigestBuilder.Percent(e.RecentShare), e.RecentDays,
            mentor ? MentorAction(e) : HealthAction(e, longSpell), longSpell, step,
            mentor ? [.. e.Descriptions.Take(1)] : e.Descriptions);
    }

    /// <summary>A mentor is the first to act: the guardians for a pupil over the lines, the pupil for a rise below them.</summary>
    private static string MentorAction(DigestEntry e) => e switch
    {
        { LevelCode: "Trend" } => "Prata med eleven och håll ett öga på närvaron.",
        { Investigation: { StartedOn: not null, ClosedOn: null } } => "Utredning pågår: stäm av med rektor eller elevhälsan vad du kan göra.",
        { IsNews: true } => "Kontakta vårdnadshavarna den här veckan.",
        _ => "Följ upp med eleven och vårdnadshavarna.",
    };

    /// <summary>Elevhälsan's next step is the investigation's: inleda, anmäla, or see the pupil back after a long spell.</summary>
    private static string HealthAction(DigestEntry e, bool longSpell) => e.Investigation switch
    {
        { StartedOn: null } or null when e.LevelCode == "High" => "Ingen utredning registrerad ännu.",
        { StartedOn: not null, ReportedOn: null, ClosedOn: null } => "Utredningen är inte anmäld till huvudmannen ännu.",
        { StartedOn: not null, ClosedOn: null } => "Utredning pågår.",
        _ when longSpell => "Lång sammanhängande frånvaro: ta reda på om eleven är tillbaka.",
        _ => "Följ upp tillsammans med mentorn.",
    };

    private static string Pupils(int n) => n == 1 ? "1 elev" : $"{n} elever";
}
