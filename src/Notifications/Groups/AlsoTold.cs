using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Notifications.Groups;

/// <summary>
/// The one line each digest carries on who else at the school was told this time, so nobody wonders whether the mentor or
/// elevhälsan knows: "Den här gången har också rektor och elevhälsan fått var sin sammanfattning, och mentorerna i 5B och 6A
/// har fått sina klassers elever."
/// </summary>
public static class AlsoTold
{
    /// <summary>A school with more classes told than this says how many, not which.</summary>
    private const int MaxClassesNamed = 6;

    /// <summary>For the rektor: the groups told this time, or null when none was.</summary>
    public static string? ForRektor(IReadOnlyList<GroupMail> mails)
    {
        var eht = mails.Any(m => m.Group == RecipientGroup.Elevhalsan);
        var classes = MentorClasses(mails, except: []);
        if (!eht && classes.Count == 0)
        {
            return null;
        }

        var health = eht ? "elevhälsan fått eleverna med hög frånvaro eller en lång sammanhängande frånvaro" : null;
        return classes.Count == 0 ? $"Den här gången har också {health}."
            : health is null ? $"Den här gången har också {Mentors(classes)} fått sina klassers elever."
            : $"Den här gången har också {health}, och {Mentors(classes)} har fått sina klassers elever.";
    }

    /// <summary>For one group mail: the rektor (when told), elevhälsan, the team, the other classes' mentors, and co-mentors of the same class.</summary>
    /// <param name="teamTold">The skolnärvaroteam is told tonight about pupils of the school whose support it requested.</param>
    public static string ForGroup(GroupMail mail, IReadOnlyList<GroupMail> mails, bool rektorTold, bool teamTold = false)
    {
        var heads = new List<string>();
        if (rektorTold)
        {
            heads.Add("rektor");
        }

        if (mail.Group != RecipientGroup.Elevhalsan && mails.Any(m => m.Group == RecipientGroup.Elevhalsan))
        {
            heads.Add("elevhälsan");
        }

        if (teamTold)
        {
            heads.Add("skolnärvaroteamet");
        }

        var own = mail.Group == RecipientGroup.Mentor ? mail.Classes : [];
        var classes = MentorClasses(mails, except: own);
        var sentence = (heads.Count, classes.Count) switch
        {
            (0, 0) => "Ingen annan på skolan har fått någon sammanfattning den här gången.",
            (_, 0) => $"Den här gången har också {DigestBuilder.Join([.. heads])} fått {Their(heads)}.",
            (0, _) => $"Den här gången har också {Mentors(classes)} fått sina klassers elever.",
            _ => $"Den här gången har också {DigestBuilder.Join([.. heads])} fått {Their(heads)}, och {Mentors(classes)} har fått sina klassers elever.",
        };
        return CoMentors(mail, mails) is { } co ? $"{sentence} {co}" : sentence;
    }

    /// <summary>
    /// For the rektor's and the groups' digests: "Skolnärvaroteamet har fått de 2 elever skolan har begärt stöd för." Null when
    /// the team was told of none of the school's pupils this time.
    /// </summary>
    public static string? TeamSentence(int pupils) => pupils switch
    {
        0 => null,
        1 => "Skolnärvaroteamet har fått den elev skolan har begärt stöd för.",
        _ => $"Skolnärvaroteamet har fått de {pupils} elever skolan har begärt stöd för.",
    };

    /// <summary>
    /// For the team: who at its schools was told this time, schools with the same groups together — "Skolornas egna
    /// sammanfattningar den här gången: rektor och elevhälsan på Ekdalsskolan och Norrskolan; rektor på Björkö friskola."
    /// </summary>
    public static string ForTeam(IReadOnlyList<School> schools, IReadOnlyList<(string School, RecipientGroup Group)> told)
    {
        var heads = new (RecipientGroup Group, string Who)[] { (RecipientGroup.Rektor, "rektor"), (RecipientGroup.Mentor, "mentorer"), (RecipientGroup.Elevhalsan, "elevhälsan") };
        var parts = schools
            .Select(s => (s.Name, Who: DigestBuilder.Join([.. heads.Where(h => told.Contains((s.Skolenhetskod, h.Group))).Select(h => h.Who)])))
            .Where(x => x.Who.Length > 0)
            .GroupBy(x => x.Who)
            .Select(g => $"{g.Key} på {DigestBuilder.Join([.. g.Select(x => x.Name)])}")
            .ToList();
        return parts.Count == 0
            ? "Ingen annan på skolorna har fått någon sammanfattning den här gången."
            : $"Skolornas egna sammanfattningar den här gången: {string.Join("; ", parts)}.";
    }

    private static string Their(List<string> heads) => heads.Count == 1 ? "sin sammanfattning" : "var sin sammanfattning";

    private static string Mentors(IReadOnlyList<string> classes) =>
        classes.Count > MaxClassesNamed ? $"mentorerna i {classes.Count} klasser" : $"{(classes.Count == 1 ? "mentorn" : "mentorerna")} i {DigestBuilder.Join([.. classes])}";

    /// <summary>"Jonas Ali, som också är mentor i 4A, har fått samma elever i 4A."</summary>
    private static string? CoMentors(GroupMail mail, IReadOnlyList<GroupMail> mails)
    {
        if (mail.Group != RecipientGroup.Mentor)
        {
            return null;
        }

        var lines = mails
            .Where(m => m.Group == RecipientGroup.Mentor && !ReferenceEquals(m, mail))
            .SelectMany(m => m.ToldClasses.Where(c => mail.ToldClasses.Contains(c, StringComparer.OrdinalIgnoreCase)).Select(c => (c, m.To.Name)))
            .GroupBy(x => x.c, StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key, DigestBuilder.ClassOrder.Instance)
            .Select(g => $"{DigestBuilder.Join([.. g.Select(x => x.Name).Distinct()])}, som också är {(g.Count() == 1 ? "mentor" : "mentorer")} i {g.Key}, har fått samma elever i {g.Key}.")
            .ToList();
        return lines.Count == 0 ? null : string.Join(" ", lines);
    }

    private static IReadOnlyList<string> MentorClasses(IReadOnlyList<GroupMail> mails, IReadOnlyList<string> except) =>
        [.. mails.Where(m => m.Group == RecipientGroup.Mentor).SelectMany(m => m.ToldClasses)
            .Where(c => !except.Contains(c, StringComparer.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(DigestBuilder.ClassOrder.Instance)];
}
