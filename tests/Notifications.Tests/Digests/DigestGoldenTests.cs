using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Notifications.Tests.Digests;

/// <summary>
/// The rendered digests are checked in under Golden/ and compared byte for byte. After a deliberate change to a
/// template, run with SKOLNARVARO_UPDATE_GOLDEN=1, look at the diff (and the HTML in a browser), and commit it.
/// </summary>
public sealed class DigestGoldenTests
{
    private static readonly DateOnly RunDate = new(2026, 11, 23);
    private static readonly DateOnly LastDigest = new(2026, 11, 16);
    private static readonly DigestRenderer Renderer = new(TestFiles.InRepo("templates"));

    private static readonly School Ekbacken = new("12345678", "Ekbackens skola")
    {
        Huvudman = "Exempelstads kommun",
        Rektorer = [new Recipient("Åsa Öberg", "asa.oberg@ekbacken.example.se")],
    };

    private static readonly School Friskola = new("87654321", "Björkö friskola")
    {
        Huvudman = "Björkö Utbildning AB", Driftsform = Driftsform.Independent,
        Rektorer = [new Recipient("Per Ek", "per.ek@bjorko.example.se")],
    };

    private static readonly string[] FirstNames = ["Märta", "Björn", "Ali", "Lina", "Noah", "Elsa", "Omar", "Saga", "Liam", "Ebba", "Hugo", "Maja"];
    private static readonly string[] LastNames = ["Östlund", "Ärlig", "Hassan", "Nguyen", "Åberg", "Lind", "Karimi", "Berg", "Holm", "Sjö", "Falk", "Ek"];

    /// <summary>Eight school weeks ending with the run date's, with absence climbing to <paramref name="last"/>.</summary>
    private static DigestWeek[] Weeks(params double?[] shares) =>
        [.. shares.Select((s, i) => new DigestWeek(new DateOnly(2026, 11, 23).AddDays(7 * (i - shares.Length + 1)), s))];

    private static readonly DigestWeek[] Rising = Weeks(0, 0.02, 0, 0.05, 0.08, 0.12, 0.2, 0.3);

    private static FlaggedPupil Pupil(
        int id, string level, string change, string cls, double term, double recent, string direction, string[] lines,
        string? from = null, DigestSpell? spell = null, DigestWeek[]? weeks = null, bool showsDays = true, DigestInvestigation? investigation = null) => new(
        new DigestEntry([(byte)id, 0, 0, 0], level, change, from, change == "New" ? RunDate : new DateOnly(2026, 10, 26), lines, term, recent, 20,
            direction, spell, showsDays ? weeks ?? Rising : null, investigation),
        FirstNames[id % FirstNames.Length], LastNames[id % LastNames.Length], cls);

    private static readonly string[] Spell = ["Frånvarande hela dagen 6 skoldagar i följd från 16 november och är fortfarande frånvarande."];
    private static readonly string[] Share = ["Frånvarande 22 % av den schemalagda tiden de senaste 20 skoldagarna, varav ogiltig frånvaro 6 %."];
    private static readonly string[] Monday = ["Frånvarande 4 av de senaste 5 måndagarna.", "Frånvarande 14 % av den schemalagda tiden de senaste 20 skoldagarna."];

    /// <summary>Twenty pupils at a level in concern order: hög frånvaro first, then riskfrånvaro, one stigande.</summary>
    private static FlaggedPupil[] School(bool news) =>
    [
        .. Enumerable.Range(1, 7).Select(i => Pupil(i, "High", news && i % 3 == 0 ? "Reminder" : i == 2 ? "Escalated" : "New", $"{6 + i % 4}{(char)('A' + i % 3)}",
            0.18, 0.3 - 0.01 * i, "Rising", i % 2 == 0 ? Spell : Share, from: i == 2 ? "AtRisk" : null)),
        .. Enumerable.Range(8, 12).Select(i => Pupil(i, "AtRisk", news && i % 4 == 0 ? "Reminder" : "New", $"{6 + i % 4}{(char)('A' + i % 3)}",
            0.09, 0.16 - 0.003 * i, i % 5 == 0 ? "Unchanged" : "Rising", Monday)),
        Pupil(20, "Trend", "New", "9B", 0.05, 0.08, "Rising", ["Frånvaron har ökat de senaste fyra veckorna."]),
    ];

    private static DigestModel Build(DigestKind kind, FlaggedPupil[] pupils, bool firstDigest = false, int left = 0, bool showsDays = true,
        NameDisplay names = NameDisplay.FirstNameInitialClass, IReadOnlyList<string>? caveats = null, School? school = null) =>
        DigestBuilder.Build(school ?? Ekbacken, RunDate, kind, [.. pupils.Where(p => firstDigest || p.Entry.ChangeCode != "AtLevel")],
            new DigestRequest([.. pupils.Select(p => p.Entry)], firstDigest, left, showsDays),
            caveats ?? [], names, 15, firstDigest ? null : LastDigest);

    private static readonly string[] CaseNames =
    [
        "go_live_overview", "fristaende_go_live_overview", "weekly_more_news_than_max", "illness_only_pupil", "falling_term_share", "summary_export_school",
        "escalation_at_risk_to_high", "stale_export_caveats", "personal_link_and_investigation", "trend_only_news",
        "lov_and_missing_weeks", "reminder_with_open_investigation", "exports_stopped",
    ];

    private static FlaggedPupil[] ReminderWithInvestigation() =>
    [
        Pupil(10, "High", "Reminder", "7A", 0.22, 0.25, "Unchanged", Share),
        Pupil(11, "High", "AtLevel", "7B", 0.3, 0.35, "Rising", Share,
            investigation: new DigestInvestigation(new DateOnly(2026, 11, 10), null, null)),
        Pupil(12, "AtRisk", "AtLevel", "8A", 0.12, 0.13, "Unchanged", Monday),
    ];

    private static readonly string[] TrendRise = ["Frånvaron har ökat från 2 % till 9 % av den schemalagda tiden: de senaste 10 skoldagarna jämfört med de 10 före."];

    /// <summary>Only stigande frånvaro: two new (one whose shares barely move, as the model's pupils often do) and one reminder.</summary>
    private static FlaggedPupil[] TrendOnly() =>
    [
        Pupil(21, "Trend", "New", "7A", 0.01, 0.03, "Unchanged", TrendRise, weeks: Weeks(0, 0, 0, 0, 0, 0, 0.02, 0.09)),
        Pupil(22, "Trend", "New", "8B", 0.04, 0.09, "Rising", TrendRise),
        Pupil(23, "Trend", "Reminder", "9A", 0.06, 0.1, "Rising", TrendRise),
    ];

    public static TheoryData<string> Cases() => [.. CaseNames];

    private static DigestModel Case(string name) => name switch
    {
        "go_live_overview" => Build(DigestKind.Overview, School(news: false), firstDigest: true),
        // A fristående school: its huvudman is the company behind it, not the municipality.
        "fristaende_go_live_overview" => Build(DigestKind.Overview, School(news: false), firstDigest: true, school: Friskola),
        "weekly_more_news_than_max" => Build(DigestKind.News, School(news: true), left: 3),
        "illness_only_pupil" => Build(DigestKind.News,
        [
            Pupil(1, "High", "New", "7B", 0.21, 0.3, "Rising", Share),
            Pupil(2, "AtRisk", "New", "8A", 0.12, 0.25, "Rising", ["Frånvarande hela dagen 5 skoldagar i följd från 2 november."],
                spell: new DigestSpell(new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 6)), weeks: Weeks(0, 0, 0, 0, 0, 1.0, 0, 0)),
        ]),
        "falling_term_share" => Build(DigestKind.News,
        [
            Pupil(3, "High", "Reminder", "9C", 0.24, 0.01, "Falling", ["Frånvarande 24 % av den schemalagda tiden hittills i terminen (60 skoldagar)."],
                weeks: Weeks(0.5, 0.6, 0.4, 0.2, 0.05, 0, 0.02, 0)),
        ]),
        "summary_export_school" => Build(DigestKind.News,
        [
            Pupil(4, "High", "New", "7A", 0.23, 0.25, "Unchanged", ["Frånvarande 25 % av den schemalagda tiden de senaste 20 skoldagarna."], showsDays: false),
            Pupil(5, "AtRisk", "New", "8B", 0.11, 0.12, "Unchanged", ["Frånvarande 12 % av den schemalagda tiden de senaste 20 skoldagarna."], showsDays: false),
        ], showsDays: false),
        "escalation_at_risk_to_high" => Build(DigestKind.News,
        [
            Pupil(6, "High", "Escalated", "6A", 0.15, 0.26, "Rising", Monday, from: "AtRisk"),
        ]),
        "stale_export_caveats" => Build(DigestKind.News, [Pupil(7, "High", "New", "7B", 0.21, 0.3, "Rising", Share)], caveats:
        [
            "Senaste närvaroexporten gäller till och med 6 november 2026 (10 skoldagar före 20 november 2026). Frånvaro efter det datumet syns inte här.",
            "Närvaron är registrerad för 84 % av den schemalagda tiden de senaste skoldagarna. Oregistrerade lektioner räknas inte som frånvaro, så frånvaron kan vara större än vad som visas.",
        ]),
        // One rektor's own digest: their link to the school's page, and an escalated pupil whose investigation is under way.
        "personal_link_and_investigation" => Build(DigestKind.News,
        [
            Pupil(8, "High", "Escalated", "8C", 0.16, 0.27, "Rising", Monday, from: "AtRisk",
                investigation: new DigestInvestigation(new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 11), null)),
        ]) with
        {
            Link = new DigestLink("https://skolnarvaro.exempelstad.example.se/in?t=ZXhlbXBlbA.c2lnbmF0dXI", "4 december 2026"),
        },
        "trend_only_news" => Build(DigestKind.News, TrendOnly()),
        // Höstlov in week 44 (the school had no school day), and the school's data stopping after week 46.
        "lov_and_missing_weeks" => Build(DigestKind.News,
        [
            Pupil(9, "High", "New", "7C", 0.21, 0.3, "Rising", Spell, weeks: [.. Weeks(0, 0.1, 0.05, 0, 0.3, 0.6, null, null).Select((w, i) => i == 3 ? w with { Share = null, Lov = true } : w)]),
        ]),
        // A reminder week: one pupil's investigation is open and one was told about last week; both are only counted.
        "reminder_with_open_investigation" => Build(DigestKind.News, ReminderWithInvestigation()),
        // Nothing new to tell, but the school's exports stopped: the digest goes to say so.
        "exports_stopped" => Build(DigestKind.News, [], caveats:
        [
            "Senaste närvaroexporten gäller till och med 12 november 2026 (7 skoldagar före 23 november 2026). Frånvaro efter det datumet syns inte här.",
        ]) with { ExportsStopped = "12 november 2026" },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Digest_renders_as_the_golden_file(string name)
    {
        var digest = Renderer.Render(Case(name));

        Golden($"{name}.html", digest.Html);
        Golden($"{name}.txt", $"Subject: {digest.Subject}\n\n{digest.Text}");
    }

    [Fact]
    public void A_weekly_digest_shows_at_most_MaxPupils_cards_news_first_and_the_rest_as_one_line_per_level_and_grade()
    {
        var pupils = School(news: true);
        var model = Build(DigestKind.News, pupils);

        model.Pupils.Should().HaveCount(15);
        var newsFirst = pupils.OrderByDescending(p => p.Entry.IsNews).Take(15);
        model.Pupils.Select(p => p.DisplayName).Should().Equal(newsFirst.Select(p => $"{p.FirstName} {p.LastName[0]}."),
            "news takes the cards before reminders, each in the concern order given");
        model.Pupils.Select(p => p.Change).Should().NotContain("Påminnelse", "there is more news than cards");
        model.More.Should().Equal("och 2 till med hög frånvaro: Åk 8 (1), Åk 9 (1)", "och 3 till med riskfrånvaro: Åk 6 (3)");
        model.Listed.Should().BeEmpty();
    }

    [Fact]
    public void The_first_digest_is_an_overview_with_the_rest_as_a_compact_list()
    {
        var model = Build(DigestKind.Overview, School(news: false), firstDigest: true);

        model.Pupils.Should().HaveCount(15);
        model.Listed.Sum(l => l.Count).Should().Be(5);
        model.More.Should().BeEmpty();
        model.Summary.Should().Be("Det här är skolans första sammanfattning. I dag har 7 elever hög frånvaro och 12 elever riskfrånvaro " +
                                  "enligt de gränser kommunen har kommit överens om. En elev har en frånvaro som ökar men ännu är under gränserna.",
            "the pupil with stigande frånvaro is counted apart, never among those over the limits");
        model.Levels.Select(l => (l.LevelCode, l.Total)).Should().Equal(("High", 7), ("AtRisk", 12), ("Trend", 1));
        Renderer.Render(model).Subject.Should().EndWith("översikt, 19 elever med frånvaro över gränserna och 1 med stigande frånvaro");
    }

    [Fact]
    public void A_digest_with_only_Trend_news_never_says_over_the_limits_nor_shows_the_skollagen_box_as_for_them()
    {
        var model = Build(DigestKind.News, TrendOnly(), left: 2);
        var digest = Renderer.Render(model);

        model.Summary.Should().Be("Nytt sedan förra sammanfattningen (16 november): 2 elever har en frånvaro som ökar men ännu är under gränserna. " +
                                  "Påminnelse: 1 elev har fortfarande en frånvaro som ökar men ännu är under gränserna.");
        digest.Subject.Should().NotContain("över gränserna");
        foreach (var body in new[] { System.Net.WebUtility.HtmlDecode(digest.Html), digest.Text })
        {
            body.Should().NotContain("över gränserna").And.NotContain("skollagen").And.NotContain("Utred skyndsamt");
            body.Should().Contain("under gränserna");
        }
    }

    [Fact]
    public void A_digest_with_pupils_at_the_levels_and_Trend_news_counts_them_apart_and_addresses_the_legal_step_to_the_levels()
    {
        var model = Build(DigestKind.News, [Pupil(1, "High", "New", "7B", 0.21, 0.3, "Rising", Share), .. TrendOnly()]);
        var text = Renderer.Render(model).Text;

        model.Summary.Should().StartWith("Nytt sedan förra sammanfattningen (16 november): 1 elev har fått frånvaro över gränserna. " +
                                         "Dessutom har 2 elever en frånvaro som ökar men ännu är under gränserna.");
        text.Should().Contain("Utred skyndsamt frånvaron hos elever med hög frånvaro eller riskfrånvaro");
    }

    [Fact]
    public void A_fristaende_schools_first_digest_words_the_limits_for_its_own_huvudman_not_as_the_municipalitys()
    {
        var model = Case("fristaende_go_live_overview");
        var digest = Renderer.Render(model);

        model.Summary.Should().Be("Det här är skolans första sammanfattning. I dag har 7 elever hög frånvaro och 12 elever riskfrånvaro " +
                                  "enligt de gränser som Björkö Utbildning AB har kommit överens om med kommunen. " +
                                  "En elev har en frånvaro som ökar men ännu är under gränserna.");
        foreach (var body in new[] { System.Net.WebUtility.HtmlDecode(digest.Html), digest.Text })
        {
            body.Should().NotContain("de gränser kommunen har kommit överens om").And.Contain("Skickat automatiskt av Skolnärvaro för Björkö Utbildning AB.");
        }

        Build(DigestKind.Overview, [], firstDigest: true, school: Friskola).Summary.Should().Be(
            "Det här är skolans första sammanfattning. I dag har ingen elev frånvaro över de gränser som Björkö Utbildning AB har kommit överens om med kommunen.");
        Build(DigestKind.Overview, School(news: false), firstDigest: true).Summary.Should().Contain("enligt de gränser kommunen har kommit överens om.");
    }

    [Fact]
    public void Rejected_exports_are_counted_in_words_not_with_a_bracketed_plural()
    {
        string Caveat(int rejected) => DataQualityCaveats.For(new DigestDataQuality(RunDate, 0, false, 0.95, rejected), RunDate, 0.9).Single();

        Caveat(1).Should().Be("En exportfil från skolan har avvisats de senaste 30 dagarna på grund av fel i filen.");
        Caveat(3).Should().Be("3 exportfiler från skolan har avvisats de senaste 30 dagarna på grund av fel i filerna.");
    }

    [Fact]
    public void A_reminder_says_how_many_pupils_at_a_level_it_leaves_out_so_its_counts_agree_with_the_page()
    {
        var model = Build(DigestKind.News, ReminderWithInvestigation());

        model.Levels.Sum(l => l.Total).Should().Be(1);
        model.Notes.Should().Contain("1 elev med pågående utredning och 1 elev som har nämnts nyligen nämns inte i den här sammanfattningen.");
        Renderer.Render(model).Text.Should().Contain("Hög frånvaro: 1 elev sedan tidigare");
    }

    [Fact]
    public void Week_bars_tell_a_lov_from_a_week_without_data_and_say_so_in_one_line()
    {
        var card = Case("lov_and_missing_weeks").Pupils.Single();

        card.Weeks.Select(w => w.Share).Should().Equal("0 %", "10 %", "5 %", "lov", "30 %", "60 %", "–", "–");
        card.WeeksLegend.Should().Be("lov = skolan hade lov, – = inga uppgifter om eleven den veckan");
        card.WeeksText.Should().Be("▁▂▁L▅█··");
    }

    [Fact]
    public void Stiff_counts_read_as_Swedish()
    {
        new DigestLevelRow("Hög frånvaro", "High", 19, 0, 0, 19).Breakdown.Should().Be("19 nya elever");
        new DigestLevelRow("Hög frånvaro", "High", 4, 1, 2, 7).Breakdown.Should().Be("7 elever: 4 nya, 1 från en lägre nivå och 2 sedan tidigare");
        new DigestLevelRow("Riskfrånvaro", "AtRisk", 1, 0, 3, 4).Breakdown.Should().Be("4 elever: 1 ny och 3 sedan tidigare");
        var text = Renderer.Render(Case("go_live_overview")).Text;
        text.Should().Contain("Hög frånvaro: 7 elever").And.NotContain("nya, 0 ökat").And.NotContain("skolnärvaropipelinen");
    }

    [Fact]
    public void A_Trend_card_shows_no_direction_that_contradicts_the_rise_the_model_saw()
    {
        var model = Build(DigestKind.News, TrendOnly());
        var text = Renderer.Render(model).Text;

        model.Pupils.Select(p => p.Direction).Should().Equal("", "stigande", "stigande");
        text.Should().NotContain("oförändrad").And.NotContain("sjunkande");
        text.ReplaceLineEndings("\n").Should().Contain("senaste 20 skoldagarna 3 %\n", "the card whose shares barely moved states them without a direction");
    }

    [Fact]
    public void The_top_of_the_digest_tells_the_story_and_the_legal_step_comes_before_the_cards()
    {
        var model = Build(DigestKind.News, School(news: true), left: 3);
        var digest = Renderer.Render(model);

        foreach (var body in new[] { System.Net.WebUtility.HtmlDecode(digest.Html), digest.Text })
        {
            var legal = body.IndexOf("nmäl till huvudmannen", StringComparison.OrdinalIgnoreCase);
            legal.Should().BeGreaterThan(0).And.BeLessThan(body.IndexOf(model.Pupils[0].DisplayName, StringComparison.Ordinal));
        }

        digest.Text.Should().Contain("sedan förra sammanfattningen (16 november)").And.Contain("3 elever som har varit på någon av nivåerna sedan förra sammanfattningen är det inte längre");
    }

    [Fact]
    public void The_name_setting_decides_how_much_of_a_name_a_digest_shows()
    {
        string Text(NameDisplay names) => Renderer.Render(Build(DigestKind.News, [Pupil(1, "High", "New", "7B", 0.2, 0.3, "Rising", Share)], names: names)).Text;

        Text(NameDisplay.Full).Should().Contain("Björn Ärlig, 7B");
        Text(NameDisplay.FirstNameInitialClass).Should().Contain("Björn Ä., 7B").And.NotContain("Ärlig");
        Text(NameDisplay.None).Should().NotContain("Björn").And.NotContain("Ärlig").And.Contain("Elev (ref. 010000), 7B");
    }

    [Fact]
    public void Mail_html_has_no_scripts_svg_or_remote_resources()
    {
        foreach (var name in CaseNames)
        {
            var html = Renderer.Render(Case(name)).Html;
            // The one address a digest may carry is the link the rektor follows to the school's page; nothing is loaded from anywhere.
            var model = Case(name);
            var withoutLink = model.Link is { } link ? html.Replace($"href=\"{link.Url}\"", "", StringComparison.Ordinal) : html;
            withoutLink.Should().NotContainAny("<script", "<svg", "src=", "http:", "https:", "url(");
        }
    }

    private static void Golden(string file, string actual)
    {
        var path = TestFiles.InRepo("tests", "Notifications.Tests", "Digests", "Golden", file);
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
