using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Groups;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Notifications.Tests.Groups;

/// <summary>
/// The skolnärvaroteam's digest rendered and compared with Groups/Golden/ byte for byte, and the words the schools' digests
/// use for the team. After a deliberate change run with SKOLNARVARO_UPDATE_GOLDEN=1, look at the diff and the HTML, commit it.
/// </summary>
public sealed class TeamDigestGoldenTests
{
    private static readonly DateOnly RunDate = new(2026, 11, 30);
    /// <summary>The team's last digest held the two pupils whose support had started.</summary>
    private static readonly IReadOnlySet<string> LastDigest = new HashSet<string> { Convert.ToHexString([1, 0, 0]), Convert.ToHexString([3, 0, 0]) };
    private static readonly TeamDigestRenderer Renderer = new(TestFiles.InRepo("templates"));
    private static readonly School Ekbacken = new("12345678", "Ekbackens skola") { Huvudman = "Exempelstads kommun" };
    private static readonly School Norrby = new("87654321", "Norrbyskolan") { Huvudman = "Exempelstads kommun" };

    private static readonly DigestWeek[] Weeks =
    [
        new(new DateOnly(2026, 11, 2), 0.42), new(new DateOnly(2026, 11, 9), 0.35), new(new DateOnly(2026, 11, 16), null),
        new(new DateOnly(2026, 11, 23), 0.18),
    ];

    private static TeamCase Case(int id, School school, string cls, DateOnly requested, DateOnly? started = null, DateOnly? ended = null) => new(
        school.Skolenhetskod, [(byte)id, 0, 0], FirstNames[id % FirstNames.Length], LastNames[id % LastNames.Length], cls,
        new DigestInvestigation(new DateOnly(2026, 4, 7), new DateOnly(2026, 4, 20), null, requested, started, ended), Weeks);

    private static readonly string[] FirstNames = ["Märta", "Björn", "Ali", "Lina", "Noah"];
    private static readonly string[] LastNames = ["Östlund", "Ärlig", "Hassan", "Nguyen", "Åberg"];

    private static readonly TeamCase[] Cases =
    [
        Case(1, Norrby, "5A", new DateOnly(2026, 11, 10), started: new DateOnly(2026, 11, 16)),
        Case(2, Ekbacken, "7B", new DateOnly(2026, 11, 25)),
        Case(3, Ekbacken, "8A", new DateOnly(2026, 4, 27), started: new DateOnly(2026, 5, 4)),
    ];

    private static TeamDigestModel Build(IReadOnlyList<TeamCase> cases, IReadOnlySet<string>? toldBefore) => TeamDigestBuilder.Build(
        new DigestSettings().ForGroup(RecipientGroup.Skolnarvaroteam), [Ekbacken, Norrby], RunDate, cases, toldBefore,
        NameDisplay.FirstNameInitialClass, AlsoTold.ForTeam([Ekbacken, Norrby], [("12345678", RecipientGroup.Rektor), ("12345678", RecipientGroup.Elevhalsan)]),
        (_, since) => since == new DateOnly(2026, 11, 25) ? 3 : 20) with
    {
        Link = new DigestLink("https://skolnarvaro.example.se/in?t=exempel", "14 december 2026"),
    };

    [Fact]
    public void The_teams_digest_renders_as_the_golden_file()
    {
        var digest = Renderer.Render(Build(Cases, LastDigest));

        Golden("team_two_schools.html", digest.Html);
        Golden("team_two_schools.txt", $"Subject: {digest.Subject}\n\n{digest.Text}");
        digest.Subject.Should().Be("Skolnärvaroteamet: 3 elever med stöd begärt, 1 ny");
    }

    [Fact]
    public void The_pupils_waiting_for_support_come_first_and_a_pupil_the_last_digest_did_not_hold_is_new()
    {
        var model = Build(Cases, LastDigest);

        model.Pupils.Select(p => p.DisplayName).Should().Equal("Ali H.", "Lina N.", "Björn Ä.");
        model.Pupils[0].Should().Match<TeamDigestPupil>(p => p.IsNew && p.Status == "Väntar på att stödet påbörjas · begärt 25 november, 3 skoldagar sedan");
        model.Pupils.Skip(1).Should().OnlyContain(p => !p.IsNew);
        model.Summary.Should().Be("Skolorna har begärt stöd för 3 elever, 1 av dem ny sedan förra sammanfattningen. 1 väntar på att stödet påbörjas och 2 har pågående stöd.");
        model.Pupils[0].Steps.Should().Be("Utredning inledd 7 april · anmäld till huvudmannen 20 april · stöd begärt från skolnärvaroteamet 25 november");
        model.Pupils[1].Weeks.Should().Be("v. 45 42 % · v. 46 35 % · v. 47 – · v. 48 18 %");
    }

    [Fact]
    public void A_support_running_for_more_than_six_months_is_pointed_out()
    {
        var model = Build(Cases, LastDigest);

        model.Pupils.Single(p => p.ClassName == "8A").Action.Should().StartWith("Stödet har pågått i mer än sex månader");
        model.Pupils.Single(p => p.ClassName == "5A").Action.Should().Be("Följ upp med skolan och registrera Stöd avslutat när stödet är klart.");
    }

    [Fact]
    public void In_the_teams_first_digest_no_request_is_marked_new()
    {
        var model = Build(Cases, toldBefore: null);

        model.Pupils.Should().OnlyContain(p => !p.IsNew);
        model.Summary.Should().StartWith("Skolorna har begärt stöd för 3 elever.");
    }

    [Fact]
    public void The_schools_digests_say_the_team_was_told_and_the_team_hears_who_at_its_schools_was()
    {
        AlsoTold.TeamSentence(2).Should().Be("Skolnärvaroteamet har fått de 2 elever skolan har begärt stöd för.");
        AlsoTold.TeamSentence(0).Should().BeNull();
        var health = new GroupMail(RecipientGroup.Elevhalsan, new Recipient("Elevhälsan", "eht@ekbacken.example.se"), [], []);
        AlsoTold.ForGroup(health, [health], rektorTold: true, teamTold: true)
            .Should().Be("Den här gången har också rektor och skolnärvaroteamet fått var sin sammanfattning.");
        AlsoTold.ForTeam([Ekbacken, Norrby], [("12345678", RecipientGroup.Rektor), ("87654321", RecipientGroup.Rektor), ("12345678", RecipientGroup.Mentor)])
            .Should().Be("Skolornas egna sammanfattningar den här gången: rektor och mentorer på Ekbackens skola; rektor på Norrbyskolan.");
        AlsoTold.ForTeam([Ekbacken], []).Should().Be("Ingen annan på skolorna har fått någon sammanfattning den här gången.");
    }

    [Fact]
    public void A_night_run_for_an_earlier_date_tells_the_team_what_was_true_that_night()
    {
        var started = Case(1, Norrby, "5A", new DateOnly(2026, 11, 10), started: new DateOnly(2026, 11, 16), ended: new DateOnly(2026, 11, 27));

        started.On(new DateOnly(2026, 11, 9)).Should().BeNull("the request is dated the day after");
        var on20th = started.On(new DateOnly(2026, 11, 20))!;
        on20th.IsOpen.Should().BeTrue("support ended on the 27th, after that night");
        on20th.Steps.SupportStartedOn.Should().Be(new DateOnly(2026, 11, 16));
        on20th.Weeks.Select(w => w.Monday).Should().Equal(new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 16));
        started.On(RunDate)!.IsOpen.Should().BeFalse();
    }

    [Fact]
    public void A_pupils_steps_in_any_digest_name_the_hand_off_to_the_team()
    {
        DigestBuilder.Step(new DigestInvestigation(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 5), null,
                new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 27)))
            .Should().Be("Utredning inledd 1 oktober · anmäld till huvudmannen 5 oktober · stöd begärt från skolnärvaroteamet 2 november · " +
                         "stöd påbörjat 9 november · stöd avslutat 27 november");
    }

    private static void Golden(string file, string actual)
    {
        var path = TestFiles.InRepo("tests", "Notifications.Tests", "Groups", "Golden", file);
        if (Environment.GetEnvironmentVariable("SKOLNARVARO_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        File.Exists(path).Should().BeTrue($"{file} is missing; run once with SKOLNARVARO_UPDATE_GOLDEN=1 to create it");
        actual.ReplaceLineEndings("\n").Should().Be(File.ReadAllText(path).ReplaceLineEndings("\n"), $"the rendering differs from {file}");
    }
}
