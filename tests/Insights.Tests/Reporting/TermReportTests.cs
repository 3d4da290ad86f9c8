using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Insights;
using Skolnarvaro.Insights.Reporting;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Calendar;
using Skolnarvaro.TestSupport;
using static Skolnarvaro.Insights.Tests.Reporting.TermHistory;

namespace Skolnarvaro.Insights.Tests.Reporting;

/// <summary>
/// The term report against a hand-built term (<see cref="TermHistory"/>): every figure in its CSV files is computed again
/// here, from the same lists, by the definitions the report states, and compared; small groups are suppressed so that no
/// hidden figure can be had back by subtraction; the HTML stands alone and writes Swedish correctly.
/// </summary>
public sealed partial class TermReportTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");
    private static readonly Term Ht2026 = Term.Parse("HT2026");
    private static readonly TermReportHtml Html = new(TestFiles.InRepo("templates"));
    private readonly TempDirectory temp = new("report");

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        await WriteAsync(db.DataSource);
    }

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    private async Task<IReadOnlyList<string>> WriteReportAsync(int minGroupSize, string folder, int expectedWithinSchoolDays = Expected10) =>
        await new TermReportWriter(new TermReportStore(db.DataSource), Html, Options.Create(new ThresholdOptions()),
                Options.Create(new ReportOptions { MinGroupSize = minGroupSize }),
                Options.Create(new InvestigationOptions { ExpectedWithinSchoolDays = expectedWithinSchoolDays }), SchoolCalendar.Default,
                new FixedTime(new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero)))
            .WriteAsync(Ht2026, AsOf, Path.Combine(temp.Path, folder));

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    // ---- what the report should say, from the hand-built lists ----

    /// <summary>Highest level any HT run flagged each pupil at, at each school: read off the flags TermHistory writes.</summary>
    private static readonly Dictionary<(string, int), string> HighestLevel = new()
    {
        [(A, 1)] = "High", [(A, 2)] = "AtRisk", [(A, 3)] = "AtRisk", [(A, 4)] = "AtRisk", [(A, 5)] = "AtRisk", [(B, 6)] = "High", [(B, 7)] = "Trend",
    };

    /// <summary>Entered a level as New in HT (pupil 3's first episode was in VT, but they came back as New in October).</summary>
    private static readonly HashSet<(string, int)> Newly = [(A, 1), (A, 2), (A, 3), (A, 4), (A, 5), (B, 6), (B, 7)];

    /// <summary>Named in a digest that was sent: pupil 7 only in B's digest that is still unsent; pupil 2 in A's of 20 October.</summary>
    private static readonly HashSet<(string, int)> Reported = [(A, 1), (A, 2), (A, 3), (A, 4), (A, 5), (B, 6)];

    /// <summary>
    /// First flag at the school in HT, then a sent digest while at a level: the night of that first digest. Pupil 2 was
    /// flagged on 14 October, between digest days, and told on 20 October.
    /// </summary>
    private static readonly Dictionary<(string, int), DateOnly> FirstAlert = new()
    {
        [(A, 1)] = new(2026, 9, 1), [(B, 6)] = new(2026, 9, 1), [(A, 4)] = new(2026, 9, 15), [(A, 5)] = new(2026, 9, 15),
        [(A, 2)] = new(2026, 10, 20),
    };

    private static IEnumerable<Fact> TermFacts(Placement p) =>
        Facts.Where(f => f.School == p.School && f.Pupil == p.Pupil && f.Date >= Ht2026.Start && f.Date <= AsOf);

    private static double? Ratio(long part, long whole) => whole == 0 ? null : (double)part / whole;

    /// <summary>Skolnarvaro:Investigation:ExpectedWithinSchoolDays as the tests configure it (the default).</summary>
    private const int Expected10 = 10;

    /// <summary>The legal steps of <see cref="TermHistory.Steps"/> as they stand after the correction and the withdrawal: (started, closed).</summary>
    private static readonly Dictionary<(string, int), (DateOnly Started, DateOnly? Closed)> Investigation = new()
    {
        [(A, 1)] = (new(2026, 9, 22), null), [(B, 6)] = (new(2026, 9, 16), null), [(A, 4)] = (new(2026, 10, 27), null),
        [(A, 3)] = (new(2026, 5, 20), new(2026, 6, 10)),
    };

    /// <summary>First reached hög frånvaro in an episode open in HT, read off TermHistory's level history (pupil 3's VT episode ended on HT's first run).</summary>
    private static readonly Dictionary<(string, int), DateOnly> HighSince = new() { [(A, 1)] = new(2026, 9, 15), [(B, 6)] = new(2026, 9, 1) };

    /// <summary>
    /// The school calendar's school days up to the report date (the default calendar: höstlov is week 44, 26–30 October,
    /// though the hand-built term schedules time in it).
    /// </summary>
    private static List<DateOnly> SchoolDays(string school) =>
        Enumerable.Range(0, AsOf.DayNumber - new DateOnly(2026, 5, 1).DayNumber + 1).Select(i => new DateOnly(2026, 5, 1).AddDays(i))
            .Where(d => SchoolCalendar.Default.IsSchoolDay(school, d)).ToList();

    /// <summary>An investigation started by <paramref name="by"/> and not closed before <paramref name="since"/>.</summary>
    private static bool Investigated(Placement p, DateOnly by, DateOnly since) =>
        Investigation.TryGetValue((p.School, p.Pupil), out var i) && i.Started <= by && !(i.Closed < since);

    private static double? ExpectedInvestigation(List<Placement> members, string measure)
    {
        var alerted = members.Where(p => FirstAlert.ContainsKey((p.School, p.Pupil))).ToList();
        var days = alerted.Where(p => Investigated(p, AsOf, FirstAlert[(p.School, p.Pupil)]))
            .Select(p => SchoolDays(p.School).Count(d => d > FirstAlert[(p.School, p.Pupil)] && d <= Investigation[(p.School, p.Pupil)].Started))
            .Order().ToList();
        var high = members.Where(p => HighestLevel.GetValueOrDefault((p.School, p.Pupil)) == "High" && HighSince.ContainsKey((p.School, p.Pupil)))
            .Select(p => (p, deadline: SchoolDays(p.School).Where(d => d > HighSince[(p.School, p.Pupil)]).Skip(Expected10 - 1).Cast<DateOnly?>().FirstOrDefault()))
            .Where(x => x.deadline is not null)
            .Select(x => Investigated(x.p, x.deadline!.Value, HighSince[(x.p.School, x.p.Pupil)]))
            .ToList();
        var followed = Followed(members, 4);
        List<(Placement P, double Before, double After)> Split(bool with) =>
            followed.Where(x => Investigated(x.P, FirstAlert[(x.P.School, x.P.Pupil)].AddDays(28), FirstAlert[(x.P.School, x.P.Pupil)]) == with).ToList();
        double? Mean(List<(Placement P, double Before, double After)> xs, bool before) => xs.Count == 0 ? null : xs.Average(x => before ? x.Before : x.After);
        return measure switch
        {
            "utr_elever_forsta_besked" => alerted.Count,
            "utr_utredning_inledd" => days.Count,
            "utr_skoldagar_till_utredning_median" => days.Count == 0 ? null
                : days.Count % 2 == 1 ? days[days.Count / 2] : (days[days.Count / 2 - 1] + days[days.Count / 2]) / 2.0,
            "utr_hog_franvaro_elever" => high.Count,
            "utr_hog_franvaro_utredning_i_tid" => high.Count(x => x),
            "utr_andel_utredning_i_tid" => Ratio(high.Count(x => x), high.Count),
            "utr_med_elever" => Split(true).Count,
            "utr_med_franvaro_fore" => Mean(Split(true), before: true),
            "utr_med_franvaro_efter" => Mean(Split(true), before: false),
            "utr_utan_elever" => Split(false).Count,
            "utr_utan_franvaro_fore" => Mean(Split(false), before: true),
            "utr_utan_franvaro_efter" => Mean(Split(false), before: false),
            _ => throw new InvalidOperationException($"The test does not know the measure '{measure}'."),
        };
    }

    /// <summary>The hand-off steps of <see cref="TermHistory.Steps"/>: (reported, support requested, support started).</summary>
    private static readonly Dictionary<(string, int), (DateOnly Reported, DateOnly Requested, DateOnly? Started)> Support = new()
    {
        [(A, 1)] = (new(2026, 9, 24), new(2026, 10, 5), new(2026, 10, 12)),
        [(B, 6)] = (new(2026, 9, 18), new(2026, 10, 20), new(2026, 11, 2)),
        [(A, 4)] = (new(2026, 10, 28), new(2026, 11, 10), null),
    };

    private static double? ExpectedSupport(List<Placement> members, string measure)
    {
        var requested = members.Where(p => Support.TryGetValue((p.School, p.Pupil), out var s) && s.Requested >= Ht2026.Start && s.Requested <= AsOf)
            .Select(p => (p, s: Support[(p.School, p.Pupil)])).ToList();
        var started = requested.Where(x => x.s.Started <= AsOf).ToList();
        int Days(string school, DateOnly after, DateOnly until) => SchoolDays(school).Count(d => d > after && d <= until);
        var toRequest = requested.Select(x => Days(x.p.School, x.s.Reported, x.s.Requested)).ToList();
        var toStart = started.Select(x => Days(x.p.School, x.s.Requested, x.s.Started!.Value)).ToList();
        var followed = new List<(double Before, double After)>();
        foreach (var (p, s) in started.Where(x => x.s.Started!.Value.AddDays(27) <= AsOf))
        {
            var facts = Facts.Where(f => f.School == p.School && f.Pupil == p.Pupil).ToList();
            var before = facts.Where(f => f.Date >= s.Started!.Value.AddDays(-28) && f.Date < s.Started.Value).ToList();
            var after = facts.Where(f => f.Date >= s.Started!.Value && f.Date <= s.Started.Value.AddDays(27)).ToList();
            int Registered(List<Fact> fs) => fs.Count(f => f.Scheduled - f.NotReported > 0);
            double Share(List<Fact> fs) => (double)fs.Sum(f => f.Excused + f.Unexcused) / fs.Sum(f => f.Scheduled - f.NotReported);
            if (Registered(before) >= 10 && Registered(after) >= 10)
            {
                followed.Add((Share(before), Share(after)));
            }
        }

        static double? Median(List<int> xs) => xs.Count == 0 ? null : xs.Order().ToList() is var o && o.Count % 2 == 1 ? o[o.Count / 2] : (o[o.Count / 2 - 1] + o[o.Count / 2]) / 2.0;
        return measure switch
        {
            "stod_begart" => requested.Count,
            "stod_paborjat" => started.Count,
            "stod_skoldagar_anmalan_till_begaran_median" => Median(toRequest),
            "stod_skoldagar_begaran_till_start_median" => Median(toStart),
            "stod_foljda_elever" => followed.Count,
            "stod_franvaro_fore" => followed.Count == 0 ? null : followed.Average(x => x.Before),
            "stod_franvaro_efter" => followed.Count == 0 ? null : followed.Average(x => x.After),
            _ => throw new InvalidOperationException($"The test does not know the measure '{measure}'."),
        };
    }

    private static double? ExpectedDevelopment(List<Placement> members, int weeks, string what)
    {
        var followed = Followed(members, weeks).Select(x => (x.Before, x.After)).ToList();
        return what switch
        {
            "elever" => followed.Count,
            "fore" => followed.Count == 0 ? null : followed.Average(x => x.Before),
            "efter" => followed.Count == 0 ? null : followed.Average(x => x.After),
            _ => followed.Count == 0 ? null : (double)followed.Count(x => x.After < x.Before) / followed.Count,
        };
    }

    /// <summary>The alerted pupils who can be followed <paramref name="weeks"/> weeks, with their absence share before and after.</summary>
    private static List<(Placement P, double Before, double After)> Followed(List<Placement> members, int weeks)
    {
        var followed = new List<(Placement P, double Before, double After)>();
        foreach (var p in members)
        {
            if (!FirstAlert.TryGetValue((p.School, p.Pupil), out var anchor) || anchor.AddDays(7 * weeks) > AsOf)
            {
                continue;
            }

            var facts = Facts.Where(f => f.School == p.School && f.Pupil == p.Pupil && f.Date <= AsOf).ToList();
            var before = facts.Where(f => f.Date > anchor.AddDays(-7 * weeks) && f.Date <= anchor).ToList();
            var after = facts.Where(f => f.Date > anchor && f.Date <= anchor.AddDays(7 * weeks)).ToList();
            int Days(List<Fact> fs) => fs.Count(f => f.Scheduled - f.NotReported > 0);
            double Share(List<Fact> fs) => (double)fs.Sum(f => f.Excused + f.Unexcused) / fs.Sum(f => f.Scheduled - f.NotReported);
            // Half of the window's school days, five a week, registered on both sides.
            if (Days(before) >= weeks * 5 / 2 && Days(after) >= weeks * 5 / 2)
            {
                followed.Add((p, Share(before), Share(after)));
            }
        }

        return followed;
    }

    private static double? Expected(List<Placement> members, string measure)
    {
        var facts = members.SelectMany(TermFacts).ToList();
        long registered = facts.Sum(f => f.Scheduled - f.NotReported);
        var rateFacts = facts.Where(f => f.Kind is "Days" or "Lessons").ToList();
        int AtLevel(string level) => members.Count(p => HighestLevel.GetValueOrDefault((p.School, p.Pupil)) == level);
        var development = Regex.Match(measure, "^utv(\\d)v_(elever|franvaro_fore|franvaro_efter|andel_minskad)$");
        if (measure.StartsWith("utr_", StringComparison.Ordinal))
        {
            return ExpectedInvestigation(members, measure);
        }

        if (measure.StartsWith("stod_", StringComparison.Ordinal))
        {
            return ExpectedSupport(members, measure);
        }

        if (development.Success)
        {
            return ExpectedDevelopment(members, int.Parse(development.Groups[1].Value, CultureInfo.InvariantCulture),
                development.Groups[2].Value.Replace("franvaro_", "", StringComparison.Ordinal));
        }

        return measure switch
        {
            "elever" => members.Count,
            "narvaro" => registered == 0 ? null : 1 - (double)facts.Sum(f => f.Excused + f.Unexcused) / registered,
            "giltig_franvaro" => Ratio(facts.Sum(f => f.Excused), registered),
            "ogiltig_franvaro" => Ratio(facts.Sum(f => f.Unexcused), registered),
            "rapporteringsgrad" => Ratio(rateFacts.Sum(f => f.Scheduled - f.NotReported), rateFacts.Sum(f => f.Scheduled)),
            "riskfranvaro" => AtLevel("AtRisk"),
            "andel_riskfranvaro" => Ratio(AtLevel("AtRisk"), members.Count),
            "hog_franvaro" => AtLevel("High"),
            "andel_hog_franvaro" => Ratio(AtLevel("High"), members.Count),
            "trend" => AtLevel("Trend"),
            "nya_flaggningar" => members.Count(p => Newly.Contains((p.School, p.Pupil))),
            "i_rektorsbesked" => members.Count(p => Reported.Contains((p.School, p.Pupil))),
            _ => throw new InvalidOperationException($"The test does not know the measure '{measure}'."),
        };
    }

    private static List<Placement> Members(string groupType, string group, string gender)
    {
        var driftsform = new Dictionary<string, string> { [A] = "kommunal", [B] = "fristående" };
        var inGroup = Placements.Where(p => groupType switch
        {
            "kommun" => true,
            "driftsform" => group == (driftsform[p.School] == "kommunal" ? "Kommunala skolor" : "Fristående skolor"),
            "skola" => group == (p.School == A ? NameA : NameB),
            "årskurs" => group == (p.Grade is { } g ? $"Årskurs {g}" : "Årskurs okänd"),
            _ => throw new InvalidOperationException(groupType),
        });
        return inGroup.Where(p => gender == "alla" || p.Gender == (gender == "flickor" ? 'F' : 'M')).ToList();
    }

    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        File.ReadAllBytes(path).Take(3).Should().Equal([0xEF, 0xBB, 0xBF], "Swedish Excel needs the BOM to read UTF-8");
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        var header = lines[0].Split(';');
        return lines.Skip(1).Select(l => header.Zip(l.Split(';')).ToDictionary(x => x.First, x => x.Second)).ToList();
    }

    private static void ShouldMatch(string actual, double? expected, string unit, string because)
    {
        if (expected is null)
        {
            actual.Should().BeEmpty(because);
        }
        else if (unit == "antal")
        {
            actual.Should().Be(((long)expected.Value).ToString(Sv), because);
        }
        else if (unit == "skoldagar")
        {
            actual.Should().Be(expected.Value.ToString("0.0", Sv), because + " (school days with one decimal)");
        }
        else
        {
            actual.Should().MatchRegex("^-?\\d+,\\d$", because + " (percent with one decimal, decimal comma)");
            double.Parse(actual, Sv).Should().BeApproximately(expected.Value * 100, 0.05 + 1e-9, because);
        }
    }

    [Fact]
    public async Task Every_figure_in_the_group_csv_matches_the_hand_built_term()
    {
        var paths = await WriteReportAsync(minGroupSize: 1, "all");

        var rows = ReadCsv(paths.Single(p => p.EndsWith("-grupper.csv", StringComparison.Ordinal)));
        // Kommun, two driftsforms, two schools, grades 7, 8, 9 and unknown; three genders; every measure.
        var groups = rows.Select(r => (r["grupptyp"], r["grupp"])).Distinct().ToList();
        groups.Should().Equal(
            ("kommun", "Hela kommunen"), ("driftsform", "Kommunala skolor"), ("driftsform", "Fristående skolor"),
            ("skola", NameB), ("skola", NameA), ("årskurs", "Årskurs 7"), ("årskurs", "Årskurs 8"), ("årskurs", "Årskurs 9"), ("årskurs", "Årskurs okänd"));
        rows.Should().HaveCount(groups.Count * 3 * Measures.For(Expected10).Count);
        rows.Should().OnlyContain(r => r["undertryckt"] == "" && r["termin"] == "HT2026");

        foreach (var row in rows)
        {
            var members = Members(row["grupptyp"], row["grupp"], row["kön"]);
            ShouldMatch(row["värde"], Expected(members, row["mått"]), row["enhet"], $"{row["grupp"]}, {row["kön"]}, {row["mått"]}");
        }

        // The development figures are not vacuous: five pupils were alerted, four followed four weeks, two eight.
        var municipality = rows.Where(r => r["grupptyp"] == "kommun" && r["kön"] == "alla").ToDictionary(r => r["mått"], r => r["värde"]);
        (municipality["utv4v_elever"], municipality["utv8v_elever"]).Should().Be(("4", "2"),
            "pupil 5 has 5 registered days in the four weeks after the alert (too few) but 25 in eight; " +
            "1 and 6, alerted in the term's third week, have 12 school days in the eight weeks before; " +
            "pupil 2, flagged on 14 October between digest days, is followed from the digest of 20 October, four weeks but not eight");
        (municipality["elever"], municipality["hog_franvaro"], municipality["i_rektorsbesked"]).Should().Be(("10", "2", "6"));
        var school = rows.First(r => r["grupp"] == NameB && r["kön"] == "alla" && r["mått"] == "elever");
        (school["skolenhetskod"], school["driftsform"]).Should().Be((B, "fristående"));
    }

    [Fact]
    public async Task The_legal_steps_measures_pin_the_hand_built_investigations()
    {
        var paths = await WriteReportAsync(minGroupSize: 1, "steps");

        var rows = ReadCsv(paths.Single(p => p.EndsWith("-grupper.csv", StringComparison.Ordinal)));
        string V(string group, string gender, string measure) => rows.Single(r => r["grupp"] == group && r["kön"] == gender && r["mått"] == measure)["värde"];
        const string All = "Hela kommunen";

        // First alerts in HT: pupils 1 and 6 on 1 September, 4 and 5 on 15 September, 2 on 20 October (flagged the 14th).
        // "Utredning inledd": 1 on 22 September,
        // 15 school days later (2–22 September); 6 on the 16th as corrected, 11 days; 4 on 27 October, 28 days (the calendar's
        // höstlov, 26–30 October, is no school days); 5's was withdrawn.
        (V(All, "alla", Measures.Alerted), V(All, "alla", Measures.AlertedStarted), V(All, "alla", Measures.DaysToStart))
            .Should().Be(("5", "3", "15,0"), "the median of 11, 15 and 28");
        V(NameA, "alla", Measures.DaysToStart).Should().Be("21,5", "pupils 1 and 4 at Ängsskolan: 15 and 28");
        V(All, "flickor", Measures.DaysToStart).Should().Be("13,0", "the girls 1 and 6: 15 and 11");
        rows.First(r => r["mått"] == Measures.DaysToStart)["enhet"].Should().Be("skoldagar");

        // Hög frånvaro in HT: pupil 1 from 15 September, whose 10th school day after is 29 September (started the 22nd: in
        // time), and pupil 6 from 1 September, 10th school day the 15th (started the 16th: one day late).
        (V(All, "alla", Measures.HighFollowed), V(All, "alla", Measures.HighInTime), V(All, "alla", Measures.HighInTimeShare))
            .Should().Be(("2", "1", "50,0"));
        (V(NameB, "alla", Measures.HighFollowed), V(NameB, "alla", Measures.HighInTime)).Should().Be(("1", "0"));
        rows.First(r => r["mått"] == Measures.HighInTimeShare)["mått_namn"].Should().Be("Andel med utredning inom 10 skoldagar");

        // Followed four weeks after the alert: 1 and 6 had an investigation by then, 4 not until 27 October (after 13 October),
        // 2 none. The boys followed are 4 and 2, both without.
        (V(All, "alla", Measures.WithPupils(true)), V(All, "alla", Measures.WithPupils(false))).Should().Be(("2", "2"));
        (V(All, "pojkar", Measures.WithPupils(false)), V(All, "pojkar", Measures.WithBefore(false)), V(All, "pojkar", Measures.WithAfter(false)))
            .Should().Be(("2", V(All, "pojkar", Measures.DevBefore(4)), V(All, "pojkar", Measures.DevAfter(4))));
        V(All, "pojkar", Measures.WithPupils(true)).Should().Be("0");

        // The HTML shows the section with the same figures.
        var html = await File.ReadAllTextAsync(paths[0], Encoding.UTF8);
        html.Should().Contain("<h2>Utredning efter varning</h2>").And.Contain("Hög frånvaro utredd inom 10 skoldagar").And.Contain(">21,5</td>");
    }

    [Fact]
    public async Task The_expected_school_days_come_from_the_investigation_setting()
    {
        // With 11 days, pupil 6's deadline is 16 September, the day their investigation started.
        var paths = await WriteReportAsync(minGroupSize: 1, "steps-11", expectedWithinSchoolDays: 11);

        var rows = ReadCsv(paths.Single(p => p.EndsWith("-grupper.csv", StringComparison.Ordinal)))
            .Where(r => r["grupp"] == "Hela kommunen" && r["kön"] == "alla").ToDictionary(r => r["mått"]);
        (rows[Measures.HighInTime]["värde"], rows[Measures.HighInTimeShare]["värde"]).Should().Be(("2", "100,0"));
        rows[Measures.HighInTimeShare]["mått_namn"].Should().Be("Andel med utredning inom 11 skoldagar");
    }

    [Fact]
    public async Task Small_groups_in_the_legal_steps_measures_are_suppressed_and_the_split_cannot_be_subtracted()
    {
        var paths = await WriteReportAsync(minGroupSize: 2, "steps-small");
        var rows = ReadCsv(paths.Single(p => p.EndsWith("-grupper.csv", StringComparison.Ordinal)));
        var cell = rows.ToDictionary(r => (r["grupp"], r["kön"], r["mått"]));
        bool Hidden(string group, string gender, string measure) => cell[(group, gender, measure)]["undertryckt"] == "ja";
        var steps = rows.Where(r => r["mått"].StartsWith("utr_", StringComparison.Ordinal)).ToList();

        foreach (var row in steps)
        {
            var (group, gender, measure) = (row["grupp"], row["kön"], row["mått"]);
            var value = Expected(Members(row["grupptyp"], group, gender), measure);
            var because = $"{group}, {gender}, {measure} (value {value})";
            if (row["enhet"] == "antal" && value is 1)
            {
                row["undertryckt"].Should().Be("ja", because + ": one pupil");
            }

            if (row["undertryckt"] == "ja")
            {
                row["värde"].Should().BeEmpty(because);
            }
            else
            {
                ShouldMatch(row["värde"], value, row["enhet"], because);
            }
        }

        // A median or share is hidden whenever a count it rests on is.
        foreach (var (measure, bases) in new[]
                 {
                     (Measures.DaysToStart, new[] { Measures.AlertedStarted }),
                     (Measures.HighInTimeShare, new[] { Measures.HighFollowed, Measures.HighInTime }),
                     (Measures.WithBefore(true), new[] { Measures.WithPupils(true) }), (Measures.WithAfter(false), new[] { Measures.WithPupils(false) }),
                 })
        {
            foreach (var row in steps.Where(r => r["mått"] == measure && bases.Any(b => Hidden(r["grupp"], r["kön"], b))))
            {
                row["undertryckt"].Should().Be("ja", $"{row["grupp"]}, {row["kön"]}, {measure} rests on a hidden count");
            }
        }

        // The followed pupils = with an investigation + without: never exactly one of the three hidden.
        foreach (var (group, gender) in rows.Select(r => (r["grupp"], r["kön"])).Distinct())
        {
            new[] { Measures.DevPupils(4), Measures.WithPupils(true), Measures.WithPupils(false) }.Count(m => Hidden(group, gender, m))
                .Should().NotBe(1, $"{group}, {gender}: followed = with + without");
        }

        // The municipality: 3 investigations (1 boy, so the girls are hidden too), median 15 shown. Ängsskolan: of its 3
        // pupils followed, 1 with an investigation (hidden, with its absence figures).
        (cell[("Hela kommunen", "alla", Measures.AlertedStarted)]["värde"], cell[("Hela kommunen", "alla", Measures.DaysToStart)]["värde"])
            .Should().Be(("3", "15,0"));
        (Hidden("Hela kommunen", "pojkar", Measures.AlertedStarted), Hidden("Hela kommunen", "flickor", Measures.AlertedStarted)).Should().Be((true, true));
        (Hidden(NameA, "alla", Measures.WithPupils(true)), Hidden(NameA, "alla", Measures.WithBefore(true)), Hidden(NameA, "alla", Measures.WithAfter(true)))
            .Should().Be((true, true, true));
        Hidden(NameB, "alla", Measures.DaysToStart).Should().BeTrue("one investigation at Björkö friskola");
    }

    [Fact]
    public async Task The_weekly_and_school_csv_match_the_hand_built_term()
    {
        var paths = await WriteReportAsync(minGroupSize: 1, "all");

        var weeks = ReadCsv(paths.Single(p => p.EndsWith("-veckor.csv", StringComparison.Ordinal)));
        // Facts spread from a summary export are counted apart, not in the weeks: a total does not say which week it was in.
        var expectedWeeks = Placements.SelectMany(p => TermFacts(p).Where(f => f.Kind != "Summary").Select(f => (p, f)))
            .GroupBy(x => ISOWeek.GetWeekOfYear(x.f.Date.ToDateTime(TimeOnly.MinValue)))
            .OrderBy(g => g.Key).ToList();
        weeks.Select(w => w["vecka"]).Should().Equal(expectedWeeks.Select(g => g.Key.ToString(Sv)), "weeks 34 to 47, none after the report date");
        foreach (var (row, week) in weeks.Zip(expectedWeeks))
        {
            var registered = week.Sum(x => x.f.Scheduled - x.f.NotReported);
            row["elever"].Should().Be(week.Select(x => (x.p.School, x.p.Pupil)).Distinct().Count().ToString(Sv));
            ShouldMatch(row["giltig_franvaro_procent"], (double)week.Sum(x => x.f.Excused) / registered, "procent", $"week {week.Key} excused");
            ShouldMatch(row["ogiltig_franvaro_procent"], (double)week.Sum(x => x.f.Unexcused) / registered, "procent", $"week {week.Key} unexcused");
            row["från"].Should().Be($"{week.Min(x => x.f.Date):yyyy-MM-dd}");
        }

        var schools = ReadCsv(paths.Single(p => p.EndsWith("-skolor.csv", StringComparison.Ordinal)));
        string Line(Dictionary<string, string> r) => string.Join('|', r["skola"], r["rektorsbesked_skickade"], r["rektorsbesked_ej_skickade"],
            r["avvisade_exporter"], r["nattliga_korningar"], r["korningar_med_inaktuell_export"], r["inaktuell_vid_senaste_korningen"], r["senaste_export_till"]);
        schools.Select(Line).Should().Equal(
            // B: run 2's digest sent, run 4's not; one file rejected in October; stale in the first HT run only; lessons to 18 November.
            $"{NameB}|1|1|1|4|1|nej|2026-11-18",
            // A: runs 2–4 sent (run 1 was in VT); the September rejection counts, May's does not; stale at the last run; export clipped to the report date.
            $"{NameA}|3|0|1|4|1|ja|2026-11-20",
            "Hela kommunen|4|1|2|8|2||",
            "Kommunala skolor|3|0|1|4|1||",
            "Fristående skolor|1|1|1|4|1||");
        foreach (var row in schools)
        {
            var members = row["skolenhetskod"] is { Length: > 0 } code ? Placements.Where(p => p.School == code).ToList()
                : row["skola"] == "Hela kommunen" ? Placements.ToList()
                : Placements.Where(p => (p.School == A) == (row["skola"] == "Kommunala skolor")).ToList();
            ShouldMatch(row["rapporteringsgrad_procent"], Expected(members, "rapporteringsgrad"), "procent", $"{row["skola"]} reporting rate");
        }
    }

    [Fact]
    public async Task Small_groups_are_suppressed_and_cannot_be_recovered_by_subtraction()
    {
        var paths = await WriteReportAsync(minGroupSize: 5, "small");
        var rows = ReadCsv(paths.Single(p => p.EndsWith("-grupper.csv", StringComparison.Ordinal)));
        var cell = rows.ToDictionary(r => (r["grupp"], r["kön"], r["mått"]));
        var counts = rows.Where(r => r["enhet"] == "antal").Select(r => r["mått"]).Distinct().ToList();

        // Suppressed cells carry the marker and no value; shown ones have a value or nothing to compute from.
        rows.Where(r => r["undertryckt"] == "ja").Should().OnlyContain(r => r["värde"] == "");
        rows.Should().OnlyContain(r => r["undertryckt"] == "ja" || r["undertryckt"] == "");

        // Primary: a group and gender of 1–4 pupils shows nothing; no count of 1–4 pupils is shown.
        foreach (var row in rows)
        {
            var members = Members(row["grupptyp"], row["grupp"], row["kön"]);
            var value = Expected(members, row["mått"]);
            if (members.Count is > 0 and < 5 || (row["enhet"] == "antal" && value is > 0 and < 5))
            {
                row["undertryckt"].Should().Be("ja", $"{row["grupp"]}, {row["kön"]}, {row["mått"]} rests on {members.Count} pupils (value {value})");
            }
            else if (row["undertryckt"] == "")
            {
                ShouldMatch(row["värde"], value, row["enhet"], $"{row["grupp"]}, {row["kön"]}, {row["mått"]}");
            }
        }

        cell[(NameB, "alla", "elever")]["undertryckt"].Should().Be("ja", "B has four pupils");
        cell[("Hela kommunen", "alla", "elever")]["värde"].Should().Be("10", "the municipality as a whole is large enough");

        // Complementary: in every published sum, never exactly one hidden figure (it would be the total minus the others).
        var sums = new List<(string Total, string[] Parts)>
        {
            ("Hela kommunen", ["Kommunala skolor", "Fristående skolor"]),
            ("Kommunala skolor", [NameA]),
            ("Fristående skolor", [NameB]),
            ("Hela kommunen", ["Årskurs 7", "Årskurs 8", "Årskurs 9", "Årskurs okänd"]),
        };
        var groups = rows.Select(r => r["grupp"]).Distinct().ToList();
        foreach (var m in counts)
        {
            foreach (var g in groups)
            {
                new[] { "flickor", "pojkar", "alla" }.Count(x => cell[(g, x, m)]["undertryckt"] == "ja")
                    .Should().NotBe(1, $"{g} {m}: girls + boys = all");
            }

            foreach (var gender in new[] { "flickor", "pojkar", "alla" })
            {
                foreach (var (total, parts) in sums)
                {
                    parts.Prepend(total).Count(x => cell[(x, gender, m)]["undertryckt"] == "ja")
                        .Should().NotBe(1, $"{total} = {string.Join(" + ", parts)} for {gender} {m}");
                }
            }
        }

        // The absence around the support's start follows the count of pupils followed, as the development follows its own.
        foreach (var row in rows.Where(r => r["mått"] is "stod_franvaro_fore" or "stod_franvaro_efter"))
        {
            if (cell[(row["grupp"], row["kön"], "stod_foljda_elever")]["undertryckt"] == "ja")
            {
                row["undertryckt"].Should().Be("ja", $"{row["grupp"]} {row["kön"]} {row["mått"]}: the pupils it is computed from are hidden");
            }
        }

        // Percents follow their counts: a hidden group size hides its shares.
        foreach (var row in rows.Where(r => r["enhet"] == "procent" && !r["mått"].StartsWith("utv", StringComparison.Ordinal)
            && !r["mått"].StartsWith("utr", StringComparison.Ordinal) && !r["mått"].StartsWith("stod", StringComparison.Ordinal)))
        {
            if (cell[(row["grupp"], row["kön"], "elever")]["undertryckt"] == "ja")
            {
                row["undertryckt"].Should().Be("ja", $"{row["grupp"]} {row["kön"]} {row["mått"]}: its number of pupils is hidden");
            }
        }

        // The HTML shows the same cells as a dash, with the footnote.
        var html = await File.ReadAllTextAsync(paths[0]);
        html.Should().Contain("class=\"s\" title=\"Färre än 5 elever\">–</td>").And.Contain("bygger på färre än 5 elever");
    }

    [Fact]
    public async Task The_html_stands_alone_and_writes_swedish_correctly()
    {
        var paths = await WriteReportAsync(minGroupSize: 1, "html");
        var html = await File.ReadAllTextAsync(paths[0], Encoding.UTF8);

        html.Should().StartWith("<!DOCTYPE html>").And.Contain("<meta charset=\"utf-8\">").And.Contain("<html lang=\"sv\">");
        html.Should().NotContainAny("http://", "https://", "src=", "<link", "<script", "@import", "url(", "//cdn", "href=");
        html.Should().Contain("<svg ").And.Contain("<rect ", "the charts are inline SVG");
        html.Should().Contain("Skolnärvaro höstterminen 2026").And.Contain(NameA).And.Contain(NameB)
            .And.Contain("Årskurs 7").And.Contain("Ogiltig frånvaro").And.Contain("Hög frånvaro").And.Contain("Fristående skolor");
        html.Should().NotContain("Ã", "no UTF-8 read or written as Latin-1 (mojibake)").And.NotContain("&#");
        html.Should().Contain("20 november 2026", "dates in Swedish");

        // A number the CSV has is in the HTML the same way: the municipality's attendance.
        var attendance = ReadCsv(paths[1]).Single(r => r["grupp"] == "Hela kommunen" && r["kön"] == "alla" && r["mått"] == "narvaro")["värde"];
        html.Should().Contain($"{attendance} %");
        // No pupil is identifiable: no names, keys or personnummer-shaped strings.
        html.Should().NotContain("Öberg").And.NotContain("Åsa");
        PersonnummerShape().IsMatch(html).Should().BeFalse();
    }

    /// <summary>After a deliberate change to the report's look, run with SKOLNARVARO_UPDATE_GOLDEN=1, open the file, review the diff.</summary>
    [Fact]
    public async Task The_html_matches_its_golden_file()
    {
        var paths = await WriteReportAsync(minGroupSize: 5, "golden");
        var actual = await File.ReadAllTextAsync(paths[0], Encoding.UTF8);

        var golden = TestFiles.InRepo("tests", "Insights.Tests", "Reporting", "Golden", "terminsrapport-HT2026.html");
        if (Environment.GetEnvironmentVariable("SKOLNARVARO_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(golden)!);
            await File.WriteAllTextAsync(golden, actual, new UTF8Encoding(false));
            return;
        }

        File.Exists(golden).Should().BeTrue("the golden file is missing; run once with SKOLNARVARO_UPDATE_GOLDEN=1 to create it");
        actual.ReplaceLineEndings("\n").Should().Be((await File.ReadAllTextAsync(golden, Encoding.UTF8)).ReplaceLineEndings("\n"),
            "the rendered report differs from Golden/terminsrapport-HT2026.html");
    }

    [Theory]
    [InlineData(TermReportHtml.TemplateFile, "<h2>Närvaro och frånvaro</h2>", "<h2>Närvaro och frånvaro</h2>{{ if }}", "syntax error")]
    [InlineData(TermReportHtml.TemplateFile, "summary.newly_flagged", "summary.newly_flaged", "a misspelt figure")]
    [InlineData(TermReportHtml.ChartsFile, "group.name", "group.namn", "a misspelt name in the charts' file, under grouped bars only")]
    public void A_broken_template_stops_the_start_with_its_file_and_line(string file, string find, string replace, string what)
    {
        var folder = Path.Combine(temp.Path, "templates");
        Directory.CreateDirectory(folder);
        foreach (var name in new[] { TermReportHtml.TemplateFile, TermReportHtml.ChartsFile })
        {
            File.Copy(TestFiles.InRepo("templates", name), Path.Combine(folder, name));
        }

        var path = Path.Combine(folder, file);
        var text = File.ReadAllText(path);
        text.Should().Contain(find);
        var line = text[..text.IndexOf(find, StringComparison.Ordinal)].Count(c => c == '\n') + 1;
        File.WriteAllText(path, text.Replace(find, replace, StringComparison.Ordinal));

        var act = () => new TermReportHtml(folder);

        // An options failure: the command line reports it as a configuration error, exit code 2, and does nothing.
        act.Should().Throw<OptionsValidationException>(what).Which.Message.Should().Contain($"{path}({line},", what);
    }

    [Theory]
    [InlineData(null, "mallar", "mallar")]
    [InlineData("rapportmallar", "mallar", "rapportmallar")]
    [InlineData(null, null, "templates")]
    public void The_template_folder_is_the_digests_unless_set_and_relative_to_the_home_folder(string? report, string? digests, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Skolnarvaro:Report:TemplateFolder"] = report,
            ["Skolnarvaro:Notifications:TemplateFolder"] = digests,
        }).Build();
        using var services = new ServiceCollection().AddInsights(configuration, temp.Path).BuildServiceProvider();

        services.GetRequiredService<IOptions<ReportOptions>>().Value.TemplateFolder.Should().Be(Path.Combine(temp.Path, expected));
    }

    [Fact]
    public void A_missing_template_names_the_file_and_the_setting()
    {
        var act = () => new TermReportHtml(temp.Path);

        act.Should().Throw<OptionsValidationException>().Which.Message
            .Should().Contain(Path.Combine(temp.Path, TermReportHtml.TemplateFile)).And.Contain("Skolnarvaro:Report:TemplateFolder");
    }

    [Fact]
    public async Task Late_arrival_lowers_attendance_only_where_the_thresholds_count_it_as_absence()
    {
        // The independent school counts sen ankomst as absence; the municipal one keeps the default.
        var thresholds = new ThresholdOptions { Driftsform = { ["Independent"] = new ThresholdOverride { LateCountsAsAbsence = true } } };
        var paths = await new TermReportWriter(new TermReportStore(db.DataSource), Html, Options.Create(thresholds),
                Options.Create(new ReportOptions { MinGroupSize = 1 }), Options.Create(new InvestigationOptions()), SchoolCalendar.Default, TimeProvider.System)
            .WriteAsync(Ht2026, AsOf, Path.Combine(temp.Path, "late"));

        var rows = ReadCsv(paths[1]).Where(r => r["kön"] == "alla").ToDictionary(r => (r["grupp"], r["mått"]), r => r["värde"]);
        double Attendance(IEnumerable<Fact> facts, bool late) =>
            1 - (double)facts.Sum(f => f.Excused + f.Unexcused + (late ? f.Late : 0)) / facts.Sum(f => f.Scheduled - f.NotReported);
        var termA = Placements.Where(p => p.School == A).SelectMany(TermFacts).ToList();
        var termB = Placements.Where(p => p.School == B).SelectMany(TermFacts).ToList();
        termB.Sum(f => f.Late).Should().BePositive("the test needs late minutes to mean anything");

        ShouldMatch(rows[(NameA, "narvaro")], Attendance(termA, late: false), "procent", "A does not count late arrival");
        ShouldMatch(rows[(NameB, "narvaro")], Attendance(termB, late: true), "procent", "B counts late arrival as absence");
        var all = termA.Concat(termB).ToList();
        ShouldMatch(rows[("Hela kommunen", "narvaro")],
            1 - (double)(all.Sum(f => f.Excused + f.Unexcused) + termB.Sum(f => f.Late)) / all.Sum(f => f.Scheduled - f.NotReported), "procent", "each school by its own rule");
        ShouldMatch(rows[(NameB, "giltig_franvaro")], (double)termB.Sum(f => f.Excused) / termB.Sum(f => f.Scheduled - f.NotReported), "procent",
            "excused absence is excused absence either way");
    }

    [Fact]
    public async Task A_term_that_has_not_started_is_refused_with_the_dates()
    {
        var writer = new TermReportWriter(new TermReportStore(db.DataSource), Html, Options.Create(new ThresholdOptions()),
            Options.Create(new ReportOptions()), Options.Create(new InvestigationOptions()), SchoolCalendar.Default, TimeProvider.System);

        var act = () => writer.WriteAsync(Term.Parse("VT2027"), AsOf, temp.Path);

        (await act.Should().ThrowAsync<ArgumentOutOfRangeException>()).WithMessage("*VT2027 starts 2027-01-01*2026-11-20*");
    }

    [GeneratedRegex(@"\b(19|20)?\d{6}[-+]?\d{4}\b")]
    private static partial Regex PersonnummerShape();
}
