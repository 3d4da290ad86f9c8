using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Groups;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Notifications.Tests.Groups;

/// <summary>
/// The groups' digests rendered and compared with Groups/Golden/ byte for byte, and the rektor's digest told beside them.
/// After a deliberate change run with SKOLNARVARO_UPDATE_GOLDEN=1, look at the diff and the HTML, and commit it.
/// </summary>
public sealed class GroupDigestGoldenTests
{
    private static readonly DateOnly RunDate = new(2026, 11, 23);
    private static readonly GroupDigestRenderer Renderer = new(TestFiles.InRepo("templates"));
    private static readonly School Ekbacken = new("12345678", "Ekbackens skola")
    {
        Huvudman = "Exempelstads kommun", Rektorer = [new Recipient("Åsa Öberg", "asa.oberg@ekbacken.example.se")],
        Elevhalsan = [new Recipient("Elevhälsan", "eht@ekbacken.example.se")],
    };

    private static readonly Recipient Jonas = new("Jonas Ali", "jonas.ali@ekbacken.example.se");
    private static readonly Recipient Sara = new("Sara Lind", "sara.lind@ekbacken.example.se");

    private static FlaggedPupil Pupil(int id, string level, string change, string cls, DigestInvestigation? steps = null, string[]? lines = null) => new(
        new DigestEntry([(byte)id, 0, 0], level, change, change == "Escalated" ? (level == "High" ? "AtRisk" : "Trend") : null, new DateOnly(2026, 11, 2 + id),
            lines ?? ["Frånvarande 22 % av den schemalagda tiden de senaste 20 skoldagarna, varav ogiltig frånvaro 6 %.", "Frånvarande 4 av de senaste 5 måndagarna."],
            0.12 + 0.01 * id, 0.2 + 0.01 * id, 20, "Rising", null, null, steps),
        FirstNames[id % FirstNames.Length], LastNames[id % LastNames.Length], cls);

    private static readonly string[] FirstNames = ["Märta", "Björn", "Ali", "Lina", "Noah", "Elsa", "Omar", "Saga"];
    private static readonly string[] LastNames = ["Östlund", "Ärlig", "Hassan", "Nguyen", "Åberg", "Lind", "Karimi", "Berg"];

    private static readonly FlaggedPupil[] Pupils =
    [
        Pupil(1, "High", "New", "7A"),
        Pupil(2, "High", "AtLevel", "7B", new DigestInvestigation(new DateOnly(2026, 11, 12), new DateOnly(2026, 11, 14), null)),
        Pupil(3, "AtRisk", "Escalated", "7A"),
        Pupil(4, "AtRisk", "Reminder", "8C", lines: ["Frånvarande hela dagen 5 skoldagar i följd från 9 november."]),
        Pupil(5, "Trend", "New", "7B", lines: ["Frånvaron har ökat de senaste fyra veckorna."]),
        Pupil(6, "AtRisk", "AtLevel", "7B"),
    ];

    private static readonly IReadOnlySet<string> LongSpells = new HashSet<string> { Convert.ToHexString([4, 0, 0]) };

    private static readonly GroupMail MentorMail = new(RecipientGroup.Mentor, Jonas, ["7A", "7B"], [.. Pupils.Where(p => p.ClassName is "7A" or "7B")]);
    private static readonly GroupMail CoMentorMail = new(RecipientGroup.Mentor, Sara, ["7B"], [.. Pupils.Where(p => p.ClassName is "7B")]);
    private static readonly GroupMail HealthMail = new(RecipientGroup.Elevhalsan, Ekbacken.Elevhalsan[0], [],
        [.. Pupils.Where(p => p.Entry.LevelCode == "High" || LongSpells.Contains(Convert.ToHexString(p.Entry.PupilKey)))]);
    private static readonly GroupMail[] Mails = [MentorMail, CoMentorMail, HealthMail];

    public static TheoryData<string> Cases => ["mentor_two_classes", "elevhalsan_with_steps", "mentor_first_digest"];

    private static GroupDigestModel Case(string name)
    {
        var digest = new DigestSettings();
        return name switch
        {
            "mentor_two_classes" => Build(digest.ForGroup(RecipientGroup.Mentor) with { MaxPupils = 4 }, MentorMail),
            "elevhalsan_with_steps" => Build(digest.ForGroup(RecipientGroup.Elevhalsan), HealthMail),
            "mentor_first_digest" => Build(digest.ForGroup(RecipientGroup.Mentor), CoMentorMail, first: true),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    private static GroupDigestModel Build(GroupRules rules, GroupMail mail, bool first = false) => GroupDigestBuilder.Build(
        rules, Ekbacken, RunDate, mail.To, mail.Classes, mail.Pupils, LongSpells, NameDisplay.FirstNameInitialClass, [],
        AlsoTold.ForGroup(mail, Mails, rektorTold: true), first) with { Link = new DigestLink("https://skolnarvaro.example.se/in?t=exempel", "7 december 2026") };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_groups_digest_renders_as_the_golden_file(string name)
    {
        var digest = Renderer.Render(Case(name));

        Golden($"{name}.html", digest.Html);
        Golden($"{name}.txt", $"Subject: {digest.Subject}\n\n{digest.Text}");
    }

    [Fact]
    public void The_rektors_digest_says_who_else_was_told_and_names_the_classes_without_a_mentor()
    {
        var request = new DigestRequest([.. Pupils.Select(p => p.Entry)], FirstDigest: false, 0, true)
        {
            AlsoTold = AlsoTold.ForRektor(Mails), ClassesWithoutMentor = ["8C", "9A"],
        };
        var model = DigestBuilder.Build(Ekbacken, RunDate, DigestKind.News, Pupils, request, [], NameDisplay.FirstNameInitialClass, 15, new DateOnly(2026, 11, 16));

        var digest = new DigestRenderer(TestFiles.InRepo("templates")).Render(model);

        Golden("rektor_told_beside_groups.html", digest.Html);
        Golden("rektor_told_beside_groups.txt", $"Subject: {digest.Subject}\n\n{digest.Text}");
        digest.Text.Should().Contain("Den här gången har också elevhälsan fått eleverna med hög frånvaro eller en lång sammanhängande frånvaro, och mentorerna i 7A och 7B har fått sina klassers elever.")
            .And.Contain("Klasserna 8C och 9A har ingen mentor i skolans mentorslista");
    }

    [Fact]
    public void A_mentor_hears_of_the_rektor_elevhalsan_the_other_classes_mentors_and_a_co_mentor_of_their_own_class()
    {
        AlsoTold.ForGroup(CoMentorMail, Mails, rektorTold: true).Should().Be(
            "Den här gången har också rektor och elevhälsan fått var sin sammanfattning, och mentorn i 7A har fått sina klassers elever. " +
            "Jonas Ali, som också är mentor i 7B, har fått samma elever i 7B.");
        AlsoTold.ForGroup(HealthMail, [HealthMail], rektorTold: false).Should().Be("Ingen annan på skolan har fått någon sammanfattning den här gången.");
        AlsoTold.ForRektor([]).Should().BeNull("a rektor's digest with nobody else told stays as it was");
    }

    [Fact]
    public void A_mentors_digest_holds_no_pupil_of_another_class()
    {
        var model = Case("mentor_two_classes");

        model.Pupils.Select(p => p.ClassName).Concat(model.Listed.Select(l => l.ClassName)).Should().OnlyContain(c => c == "7A" || c == "7B");
        model.Total.Should().Be(5);
    }

    private static void Golden(string file, string actual)
    {
        var path = TestFiles.InRepo("tests", "Notifications.Tests", "Groups", "Golden", file);
        if (Environment.GetEnvironmentVariable("SKOLNARVARO_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        File.Exists(path).Should().BeTrue($"{file} is missing; run once with SKOLNARVARO_UPDATE_GOLDEN=1 to create it");
        actual.ReplaceLineEndings("\n").Should().Be(File.ReadAllText(path).ReplaceLineEndings("\n"), $"the rendering differs from {file}");
    }
}
