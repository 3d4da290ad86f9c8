using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Notifications.Tests.Digests;

/// <summary>
/// The rendered digests are checked in under Golden/ and compared byte for byte. After a deliberate change to a
/// template, run with SKOLNARVARO_UPDATE_GOLDEN=1, look at the diff, and commit it.
/// </summary>
public sealed class DigestGoldenTests
{
    private static readonly DateOnly RunDate = new(2026, 11, 20);
    private static readonly DigestRenderer Renderer = new(TestFiles.InRepo("templates"));

    private static readonly SchoolRecipients Ekbacken = new()
    {
        Skolenhetskod = "12345678",
        Name = "Ekbackens skola",
        Huvudman = "Exempelstads kommun",
        Rectors = [new RectorSettings { Name = "Åsa Öberg", Email = "asa.oberg@ekbacken.example.se" }],
    };

    private static readonly FlaggedPupil[] Pupils =
    [
        Pupil(1, "Märta", "Östlund", "7B", "High", "New", new(2026, 11, 20),
            "Frånvarande hela dagen 6 skoldagar i följd från 9 november och är fortfarande frånvarande.",
            "Frånvarande 31 % av den schemalagda tiden de senaste 20 skoldagarna, varav ogiltig frånvaro 12 %."),
        Pupil(2, "Björn", "Ärlig", "8A", "High", "Escalated", new(2026, 11, 20),
            "Frånvarande 4 av de senaste 5 måndagarna.",
            "Frånvarande 22 % av den schemalagda tiden de senaste 20 skoldagarna."),
        Pupil(3, "Ali", "Hassan", "9C", "AtRisk", "Still", new(2026, 10, 30),
            "Frånvarande 12 % av den schemalagda tiden hittills i terminen (65 skoldagar)."),
        Pupil(4, "Lina", "Nguyen", "6A", "AtRisk", "New", new(2026, 11, 20),
            "Sen ankomst sammanlagt 4,5 timmar de senaste 20 skoldagarna."),
    ];

    public static TheoryData<string, NameDisplay, bool> Cases() => new()
    {
        { "levels_and_changes_full_names", NameDisplay.Full, false },
        { "levels_and_changes_first_name_initial", NameDisplay.FirstNameInitialClass, false },
        { "levels_and_changes_no_names", NameDisplay.None, false },
        { "stale_export_caveats", NameDisplay.FirstNameInitialClass, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Digest_renders_as_the_golden_file(string name, NameDisplay names, bool stale)
    {
        string[] caveats = stale
            ?
            [
                "Senaste närvaroexporten gäller till och med 6 november 2026 (10 skoldagar före 20 november 2026). Frånvaro efter det datumet syns inte här.",
                "Närvaron är registrerad för 84 % av den schemalagda tiden de senaste skoldagarna. Oregistrerade lektioner räknas inte som frånvaro, så frånvaron kan vara större än vad som visas.",
            ]
            : [];
        var digest = Renderer.Render(DigestBuilder.Build(Ekbacken, RunDate, stale ? Pupils[..2] : Pupils, caveats, names));

        Golden($"{name}.html", digest.Html);
        Golden($"{name}.txt", $"Subject: {digest.Subject}\n\n{digest.Text}");
    }

    [Fact]
    public void The_name_setting_decides_how_much_of_a_name_a_digest_shows()
    {
        string Text(NameDisplay names) => Renderer.Render(DigestBuilder.Build(Ekbacken, RunDate, Pupils, [], names)).Text;

        Text(NameDisplay.Full).Should().Contain("Märta Östlund, 7B");
        Text(NameDisplay.FirstNameInitialClass).Should().Contain("Märta Ö., 7B").And.NotContain("Östlund");
        Text(NameDisplay.None).Should().NotContain("Märta").And.NotContain("Östlund").And.Contain("Elev (ref. 010000), 7B");
    }

    [Fact]
    public void Pupils_are_listed_highest_level_first_and_the_summary_counts_new_escalated_and_reminded()
    {
        var model = DigestBuilder.Build(Ekbacken, RunDate, Pupils, [], NameDisplay.Full);

        model.Pupils.Select(p => p.LevelCode).Should().Equal("High", "High", "AtRisk", "AtRisk");
        model.Summary.Should().Be("2 nya, 1 med ökad frånvaro, 1 påminnelse om fortsatt frånvaro");
        model.Pupils.Select(p => p.Change).Should().BeEquivalentTo(["Ny", "Har ökat", "Påminnelse", "Ny"]);
    }

    private static FlaggedPupil Pupil(byte id, string first, string last, string cls, string level, string change, DateOnly since, params string[] lines) =>
        new([id, 0, 0, 0], first, last, cls, level, change, since, lines);

    private static void Golden(string file, string actual)
    {
        var path = TestFiles.InRepo("tests", "Notifications.Tests", "Digests", "Golden", file);
        if (Environment.GetEnvironmentVariable("SKOLNARVARO_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        File.Exists(path).Should().BeTrue($"{file} is missing; run once with SKOLNARVARO_UPDATE_GOLDEN=1 to create it");
        actual.ReplaceLineEndings("\n").Should().Be(File.ReadAllText(path).ReplaceLineEndings("\n"), $"the rendering differs from {file}");
    }
}
