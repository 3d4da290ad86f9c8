using System.Globalization;
using Skolnarvaro.Notifications;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Analysis.Pages;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Notifications.Digests;

namespace Skolnarvaro.Web;

/// <summary>The hidden form field every POST carries.</summary>
public sealed record FormToken(string Field, string Token);

/// <summary>What every page's frame shows: its title, who is signed in, where they can go.</summary>
public sealed record PageFrame(string Title, string? User, FormToken? Form, IReadOnlyList<NavLink> Nav);

public sealed record NavLink(string Label, string Href, bool Current);

public sealed record MessagePage(string Heading, IReadOnlyList<string> Lines, string? ActionLabel, string? ActionHref, string? TokenValue);

public sealed record LoginPage(string? Error, bool Oidc, bool Passwords);

public sealed record ListPage(
    string School, string Skolenhetskod, string Counts, string Investigations, IReadOnlyList<ListRow> Rows, IReadOnlyList<ClassOption> Classes,
    string? Class, IReadOnlyList<SortLink> Sorts, int Total, string? Note)
{
    /// <summary>The page's heading: the school's name, or whose view it is ("Mentor för 4A och 5B, Björkskolan").</summary>
    public string Heading { get; init; } = School;

    /// <summary>The line above the heading: who is listed.</summary>
    public string Kicker { get; init; } = "Elever med hög frånvaro, riskfrånvaro eller stigande frånvaro";

    /// <summary>Whose view, for the guidance shown: null a rektor's (and an analyst's or huvudman's), else the group's name.</summary>
    public string? Group { get; init; }

    /// <summary>Whether the legal steps are shown: not on a mentor's list, whose part is the first contact, not the investigation.</summary>
    public bool ShowsSteps { get; init; } = true;
}

/// <param name="Step">The current legal step, compactly ("Anmäld 25 november"); <paramref name="Steps"/> all of them, for the title.</param>
public sealed record ListRow(
    string Href, string Name, string ClassName, string Level, string LevelCode, string OverLimitsSince, string TermShare,
    string RecentShare, string Step, bool Overdue)
{
    public string Steps { get; init; } = Step;
}

public sealed record ClassOption(string Name, int Count, bool Selected);

public sealed record SortLink(string Label, string Href, bool Current);

public sealed record PupilView(
    string School, string SchoolHref, string Name, string ClassName, string Level, string LevelCode, string Since, string TermShare, string RecentShare,
    IReadOnlyList<string> Descriptions, string TermName, bool ShowsDays, ChartView Chart, IReadOnlyList<WeekRow> Weeks,
    IReadOnlyList<EpisodeView> Episodes, IReadOnlyList<MonthTick> Months, IReadOnlyList<StepView> Steps, IReadOnlyList<ChangeView> Changes, string StepHref, string? Error,
    IReadOnlyList<string> Caveats, bool CanRecord)
{
    /// <summary>What the last save did ("Sparat: Utredning inledd 23 november 2026."), shown once after the redirect; null otherwise.</summary>
    public string? Notice { get; init; }

    /// <summary>The step a "Ta bort" asks to confirm before anything is removed; null otherwise.</summary>
    public StepView? Confirm { get; init; }

    /// <summary>Where the pupil is listed, at the top: the school, or whose view it is ("Mentor för 4A, Björkskolan").</summary>
    public string ListName { get; init; } = School;

    /// <summary>Whether the legal steps are shown at all (not to a mentor); <see cref="CanRecord"/> whether they can be changed.</summary>
    public bool ShowsSteps { get; init; } = true;
}

public sealed record ChartView(int Width, int Height, IReadOnlyList<ChartBar> Bars, IReadOnlyList<ChartLine> Lines);

public sealed record ChartBar(int X, int Width, string Label, bool ShowLabel, IReadOnlyList<ChartPart> Parts, string Title);

public sealed record ChartPart(int Y, int Height, string Color);

public sealed record ChartLine(int Y, string Label);

public sealed record WeekRow(string Week, string Excused, string Unexcused, string Late, string Registered);

/// <summary>A month's start on the term's time line: "okt" at 41 % of its width.</summary>
public sealed record MonthTick(string Label, int Left);

public sealed record EpisodeView(string Level, string LevelCode, string From, string To, string How, int Left, int Width);

public sealed record StepView(string Code, string Label, string? Date, string Value, bool Enabled)
{
    /// <summary>What to record first, shown where the step cannot be recorded yet.</summary>
    public string Hint { get; init; } = "Registrera först att utredningen har inletts.";

    /// <summary>Another group's step, shown but not recorded here (the skolnärvaroteam's on the rektor's page).</summary>
    public bool ReadOnly { get; init; }
}

public sealed record ChangeView(string When, string Who, string What);

/// <summary>
/// An overview of investigations per school: Kommunens översikt (the municipality's own schools, and apart from them the
/// fristående schools it follows) or Huvudmannens översikt (one fristående huvudman's schools).
/// </summary>
/// <param name="Kicker">"Kommunens översikt" or "Huvudmannens översikt · Kunskapsträdet Skolor AB".</param>
public sealed record HuvudmanPage(string Kicker, string Heading, string Intro, string TermName, int Expected, IReadOnlyList<OverviewPart> Parts)
{
    /// <summary>Stigande frånvaro is the trend model's: its column is left out where no school has any (no model scores).</summary>
    public bool ShowTrend => Parts.Any(p => p.Total.Trend > 0);

    /// <summary>The support columns, where a school of the page has a skolnärvaroteam or a request was recorded in the term.</summary>
    public bool ShowSupport { get; init; }
}

/// <summary>
/// One group of schools with one kind of huvudman: its schools' lines, their total, and its pupils waiting for an investigation.
/// </summary>
/// <param name="Heading">"Kommunala skolor", "Fristående skolor", or null on a huvudman's own page.</param>
/// <param name="ShowHuvudman">Each school's huvudman under its name (the fristående schools on the municipality's page).</param>
public sealed record OverviewPart(
    string? Heading, string? Note, string Lead, IReadOnlyList<HuvudmanRow> Rows, HuvudmanRow Total, IReadOnlyList<OverdueRow> Overdue, bool ShowHuvudman)
{
    /// <summary>How soon support was requested and started, as medians of school days; null without a request in the term.</summary>
    public string? SupportLine { get; init; }
}

public sealed record HuvudmanRow(string School, string Href, string Huvudman, int High, int AtRisk, int Trend, int Started, int Reported, int Closed, int Overdue)
{
    /// <summary>Support requested from the skolnärvaroteam in the term, and of those requests the ones it started.</summary>
    public int SupportRequested { get; init; }

    public int SupportStarted { get; init; }
}

public sealed record OverdueRow(string School, string Href, string Name, string ClassName, string HighSince, int SchoolDays)
{
    /// <summary>Past the school days within which an investigation is expected.</summary>
    public bool Overdue { get; init; }
}

/// <summary>Builds the pages' models from the analysis's reads: Swedish labels, dates, shares, the week chart.</summary>
public static partial class WebPages
{
    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");

    public static string Date(DateOnly d) => d.ToString("d MMMM yyyy", Sv);

    public static string Ref(byte[] pupilKey) => Convert.ToHexString(pupilKey).ToLowerInvariant();

    public static string PupilHref(string school, byte[] key) => $"/skola/{school}/elev/{Ref(key)}";

    /// <summary>The school's own steps, in the order the rektor's page lists them.</summary>
    public static readonly IReadOnlyList<InvestigationStep> SchoolSteps = [InvestigationStep.Started, InvestigationStep.Reported, InvestigationStep.Closed];

    public static string StepLabel(InvestigationStep step) => step switch
    {
        InvestigationStep.Started => "Utredning inledd",
        InvestigationStep.Reported => "Anmält till huvudmannen",
        InvestigationStep.SupportRequested => "Stöd begärt från skolnärvaroteamet",
        InvestigationStep.SupportStarted => "Stöd påbörjat",
        InvestigationStep.SupportEnded => "Stöd avslutat",
        _ => "Avslutad",
    };

    public static string StepText(Investigation? i) =>
        DigestBuilder.Step(i is null ? null
            : new DigestInvestigation(i.StartedOn, i.ReportedOn, i.ClosedOn, i.SupportRequestedOn, i.SupportStartedOn, i.SupportEndedOn))
        ?? "Ingen utredning registrerad";

    /// <summary>
    /// The latest step only, short enough for one line of the school's list: "Anmäld 25 november", "Stöd begärt 2 december".
    /// The latest by date; on one date the later in the steps' order.
    /// </summary>
    public static string CurrentStep(Investigation? i, bool overdue)
    {
        var taken = new (string Words, DateOnly? On)[]
        {
            ("Inledd", i?.StartedOn), ("Anmäld", i?.ReportedOn), ("Avslutad", i?.ClosedOn),
            ("Stöd begärt", i?.SupportRequestedOn), ("Stöd påbörjat", i?.SupportStartedOn), ("Stöd avslutat", i?.SupportEndedOn),
        }.Select((s, order) => (s.Words, s.On, order)).Where(s => s.On is not null).ToList();
        if (taken.Count == 0)
        {
            return overdue ? "Väntar på utredning" : "Ingen utredning";
        }

        var latest = taken.MaxBy(s => (s.On!.Value, s.order));
        return $"{latest.Words} {latest.On!.Value.ToString("d MMMM", Sv)}";
    }

    /// <param name="schoolDaysSince">School days after a date up to today, by the school calendar.</param>
    public static ListPage List(
        WebSchool school, IReadOnlyList<ListedPupil> all, string? className, string? sort, int expectedDays, Func<DateOnly, int> schoolDaysSince)
    {
        var shown = all.Where(p => className is null || p.ClassName == className);
        shown = sort switch
        {
            "niva" => shown.OrderByDescending(p => p.Level).ThenBy(p => p.Rank),
            "klass" => shown.OrderBy(p => p.ClassName, StringComparer.Create(Sv, false)).ThenBy(p => p.Rank),
            "sedan" => shown.OrderBy(p => p.AtALevelSince).ThenBy(p => p.Rank),
            _ => shown.OrderBy(p => p.Rank),
        };
        var rows = shown.Select(p =>
        {
            var overdue = p.Level == Level.High && p.Investigation?.StartedOn is null && schoolDaysSince(p.Since) > expectedDays;
            return new ListRow(
                PupilHref(school.Skolenhetskod, p.PupilKey), $"{p.FirstName} {p.LastName}".Trim(), p.ClassName, DigestBuilder.LevelLabel(p.Level.ToString()),
                p.Level.ToString(), Date(p.AtALevelSince), DigestBuilder.Percent(p.TermShare), DigestBuilder.Percent(p.RecentShare),
                CurrentStep(p.Investigation, overdue), overdue) { Steps = StepText(p.Investigation) };
        }).ToList();
        string Count(Level level, string label) => $"{all.Count(p => p.Level == level)} {label}";
        // Stigande frånvaro is the trend model's; a count of it is left out where no pupil has it (no model scores).
        var counts = $"{Count(Level.High, "med hög frånvaro")} · {Count(Level.AtRisk, "med riskfrånvaro")}" +
                     (all.Any(p => p.Level == Level.Trend) ? $" · {Count(Level.Trend, "med stigande frånvaro")}" : "");
        var open = all.Count(p => p.Investigation?.IsOpen == true);
        var overdue = rows.Count(r => r.Overdue);
        var investigations = $"{open} med pågående utredning" + (overdue > 0 ? $" · {overdue} med hög frånvaro i mer än {expectedDays} skoldagar utan registrerad utredning" : "");
        var classes = all.GroupBy(p => p.ClassName).OrderBy(g => g.Key, StringComparer.Create(Sv, false))
            .Select(g => new ClassOption(g.Key, g.Count(), g.Key == className)).ToList();
        var basePath = $"/skola/{school.Skolenhetskod}";
        string SortHref(string? key) => basePath + Query(("sortera", key), ("klass", className));
        var sorts = new[] { (null, "Oro"), ("niva", "Nivå"), ("klass", "Klass"), ("sedan", "Sedan") }
            .Select(s => new SortLink(s.Item2, SortHref(s.Item1), s.Item1 == sort || (s.Item1 is null && sort is not ("niva" or "klass" or "sedan")))).ToList();
        return new ListPage(school.Name, school.Skolenhetskod, counts, investigations, rows, classes, className, sorts, all.Count,
            all.Count == 0 ? "Ingen elev på skolan har i dag frånvaro över gränserna eller stigande frånvaro." : null);
    }

    public static PupilView Pupil(WebSchool school, PupilPage p, string? error, IReadOnlyList<string> caveats, TimeProvider time, bool canRecord)
    {
        var level = p.Level?.ToString();
        // A step not yet taken offers today's date: recording it "today" is one press.
        var today = time.SchoolToday();
        var steps = SchoolSteps.Select(s => Step(p.Investigation, s, today)).Concat(HandOff(school, p.Investigation, today)).ToList();
        var changes = p.Changes.Reverse().Select(c => new ChangeView(
            TimeZoneInfo.ConvertTime(c.RecordedAt, time.LocalTimeZone).ToString("d MMMM yyyy HH:mm", Sv),
            c.RecordedBy, c.Date is { } d ? $"{StepLabel(c.Step)}: {Date(d)}" : $"{StepLabel(c.Step)}: borttaget")).ToList();
        return new PupilView(
            school.Name, $"/skola/{school.Skolenhetskod}", $"{p.FirstName} {p.LastName}".Trim(), p.ClassName,
            level is null ? "Under gränserna" : DigestBuilder.LevelLabel(level), level ?? "None", p.Since is { } since ? Date(since) : "",
            p.TermShare is { } t ? DigestBuilder.Percent(t) : "–", p.RecentShare is { } r ? DigestBuilder.Percent(r) : "–",
            p.Descriptions, TermName(p.Term), p.ShowsDays, Chart(p.Weeks), Weeks(p.Weeks), Episodes(p.Episodes, p.Term, today), Months(p.Term), steps, changes,
            $"{PupilHref(school.Skolenhetskod, p.PupilKey)}/steg", error, caveats, canRecord);
    }

    /// <summary>A step as a row of the steps' card: its date, the date its form offers, and whether it can be recorded yet.</summary>
    public static StepView Step(Investigation? i, InvestigationStep s, DateOnly today) => new(
        s.ToString(), StepLabel(s), i?.On(s) is { } d ? Date(d) : null, (i?.On(s) ?? today).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        StepOrder.Before(s) is not { } before || i?.On(before) is not null)
    {
        Hint = StepOrder.Before(s) switch
        {
            InvestigationStep.Reported => "Registrera först anmälan till huvudmannen.",
            InvestigationStep.SupportRequested => "Registrera först att stöd har begärts.",
            InvestigationStep.SupportStarted => "Registrera först att stödet har påbörjats.",
            _ => "Registrera först att utredningen har inletts.",
        },
    };

    /// <summary>
    /// The hand-off on the rektor's page: "Stöd begärt" where the school has a skolnärvaroteam (or a request was recorded), and
    /// once requested, the team's own steps, shown but recorded by the team.
    /// </summary>
    private static IEnumerable<StepView> HandOff(WebSchool school, Investigation? i, DateOnly today)
    {
        if (school.TeamEmails.Count == 0 && i?.SupportRequestedOn is null)
        {
            yield break;
        }

        yield return school.TeamEmails.Count == 0
            ? Step(i, InvestigationStep.SupportRequested, today) with { ReadOnly = true, Hint = "Skolan har inget skolnärvaroteam i skolregistret." }
            : Step(i, InvestigationStep.SupportRequested, today);
        if (i?.SupportRequestedOn is not null)
        {
            yield return Step(i, InvestigationStep.SupportStarted, today) with { ReadOnly = true, Hint = "Registreras av skolnärvaroteamet." };
            yield return Step(i, InvestigationStep.SupportEnded, today) with { ReadOnly = true, Hint = "Registreras av skolnärvaroteamet." };
        }
    }

    /// <summary>"Sparat: Utredning inledd 23 november 2026." or "Borttaget: Anmält till huvudmannen." — what the last press did.</summary>
    public static string? StepNotice(PupilView view, InvestigationStep step, bool removed) =>
        removed ? $"Borttaget: {StepLabel(step)}."
        : view.Steps.FirstOrDefault(s => s.Code == step.ToString())?.Date is { } date ? $"Sparat: {StepLabel(step)} {date}."
        : null;

    /// <summary>
    /// Kommunens översikt: the kommunal schools, whose huvudman the municipality is, and apart from them the fristående schools,
    /// whose rektorer report to their own huvudman. The municipality follows them to reach every pupil, it is not their huvudman.
    /// </summary>
    public static HuvudmanPage Kommun(IReadOnlyList<WebSchool> schools, IReadOnlyList<SchoolInvestigations> lines, Analysis.Figures.Term term, int expected)
    {
        var kommunal = schools.Where(s => !s.Independent).ToList();
        var owner = kommunal.Select(s => s.Huvudman).Where(h => h.Length > 0).Distinct().ToList() is [var one] ? one : "kommunen";
        var parts = new List<OverviewPart>();
        if (kommunal.Count > 0)
        {
            parts.Add(Part(kommunal, lines, expected, "Kommunala skolor",
                $"{owner} är huvudman: rektorerna anmäler till kommunen att en utredning har inletts.", "Alla kommunala skolor", "till huvudmannen", false));
        }

        if (schools.Where(s => s.Independent).ToList() is { Count: > 0 } fristaende)
        {
            parts.Add(Part(fristaende, lines, expected, "Fristående skolor",
                "Kommunen är inte huvudman för de fristående skolorna. Den följer närvaron där för att nå alla elever i kommunen, men utredningen " +
                "och anmälan görs av skolan och dess egen huvudman.", "Alla fristående skolor", "till sin huvudman", true));
        }

        return new HuvudmanPage("Kommunens översikt", "Utredningar per skola",
            "Alla grundskolor i kommunen, kommunala och fristående, var för sig.", TermName(term), expected, parts)
        {
            ShowSupport = SupportShown(schools, parts),
        };
    }

    /// <summary>Huvudmannens översikt: one fristående huvudman's schools, and nothing of any other school.</summary>
    public static HuvudmanPage Huvudman(string huvudman, IReadOnlyList<WebSchool> schools, IReadOnlyList<SchoolInvestigations> lines, Analysis.Figures.Term term, int expected)
    {
        var own = schools.Where(s => s.Independent && s.Huvudman == huvudman).ToList();
        var part = Part(own, lines, expected, null, null, "Alla skolor", "till huvudmannen", false);
        return new HuvudmanPage($"Huvudmannens översikt · {huvudman}", "Utredningar per skola",
            $"{(own.Count == 1 ? "Skolan" : "Skolorna")} som {huvudman} är huvudman för. Rektorn anmäler till huvudmannen att en utredning har inletts.",
            TermName(term), expected, [part])
        {
            ShowSupport = SupportShown(own, [part]),
        };
    }

    private static bool SupportShown(IReadOnlyList<WebSchool> schools, IReadOnlyList<OverviewPart> parts) =>
        schools.Any(s => s.TeamEmails.Count > 0) || parts.Any(p => p.Total.SupportRequested > 0);

    private static OverviewPart Part(
        IReadOnlyList<WebSchool> schools, IReadOnlyList<SchoolInvestigations> all, int expected, string? heading, string? note, string totalLabel,
        string reportedTo, bool showHuvudman)
    {
        var lines = all.Where(l => schools.Any(s => s.Skolenhetskod == l.Skolenhetskod)).ToList();
        var rows = lines.Select(l =>
        {
            var s = schools.First(x => x.Skolenhetskod == l.Skolenhetskod);
            return new HuvudmanRow(s.Name, $"/skola/{s.Skolenhetskod}", s.Huvudman, l.High, l.AtRisk, l.Trend, l.Started, l.Reported, l.Closed, l.Overdue.Count)
            {
                SupportRequested = l.Support.Requested, SupportStarted = l.Support.Started,
            };
        }).OrderBy(r => r.School, StringComparer.Create(Sv, false)).ToList();
        var waiting = lines.SelectMany(l => l.Waiting.Select(o =>
        {
            var s = schools.First(x => x.Skolenhetskod == l.Skolenhetskod);
            return new OverdueRow(s.Name, PupilHref(s.Skolenhetskod, o.PupilKey), $"{o.FirstName} {o.LastName}".Trim(), o.ClassName, Date(o.HighSince), o.SchoolDays)
            {
                Overdue = o.SchoolDays > expected,
            };
        })).OrderByDescending(o => o.SchoolDays).ToList();
        var total = new HuvudmanRow(totalLabel, "", "", rows.Sum(r => r.High), rows.Sum(r => r.AtRisk), rows.Sum(r => r.Trend),
            rows.Sum(r => r.Started), rows.Sum(r => r.Reported), rows.Sum(r => r.Closed), rows.Sum(r => r.Overdue))
        {
            SupportRequested = rows.Sum(r => r.SupportRequested), SupportStarted = rows.Sum(r => r.SupportStarted),
        };
        var lead = $"{Count(total.High, "elev", "elever")} med hög frånvaro · {Count(total.Started, "utredning inledd", "utredningar inledda")} och " +
                   $"{total.Reported} {(total.Reported == 1 ? "anmäld" : "anmälda")} {reportedTo} under terminen · " +
                   $"{Count(total.Overdue, "elev", "elever")} med hög frånvaro i mer än {expected} skoldagar utan registrerad utredning";
        return new OverviewPart(heading, note, lead, rows, total, waiting, showHuvudman) { SupportLine = SupportLine(lines.Select(l => l.Support).ToList()) };
    }

    /// <summary>"Stöd begärt: median 4 skoldagar efter anmälan · påbörjat median 6 skoldagar efter begäran", or null without a request.</summary>
    private static string? SupportLine(IReadOnlyList<SupportRequests> schools)
    {
        var toRequest = schools.SelectMany(s => s.DaysReportToRequest).ToList();
        var toStart = schools.SelectMany(s => s.DaysRequestToStart).ToList();
        if (schools.Sum(s => s.Requested) == 0)
        {
            return null;
        }

        return $"Stöd från skolnärvaroteamet: {Count(schools.Sum(s => s.Requested), "begäran", "begäranden")} under terminen" +
               (toRequest.Count > 0 ? $", median {Median(toRequest)} skoldagar efter anmälan till huvudmannen" : "") +
               $" · {schools.Sum(s => s.Started)} påbörjade" +
               (toStart.Count > 0 ? $", median {Median(toStart)} skoldagar efter begäran" : "") +
               ". Frånvaron före och med stödet, för flickor och pojkar var för sig: se terminsrapporten.";
    }

    private static string Median(List<int> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        var median = sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
        return median.ToString("0.#", Sv);
    }

    private static string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n} {many}";

    public static string TermName(Analysis.Figures.Term term) =>
        (term.Name.StartsWith("HT", StringComparison.Ordinal) ? "höstterminen " : "vårterminen ") + term.Name[2..];

    private const int ChartHeight = 150;
    private const int BarWidth = 34;

    /// <summary>The term week by week: giltig, ogiltig and sen ankomst stacked, as a share of the week's registered time.</summary>
    private static ChartView Chart(IReadOnlyList<PupilWeek> weeks)
    {
        var shares = weeks.Select(w => w.Registered > 0
            ? (Excused: (double)w.Excused / w.Registered, Unexcused: (double)w.Unexcused / w.Registered, Late: (double)w.Late / w.Registered)
            : (Excused: 0.0, Unexcused: 0.0, Late: 0.0)).ToList();
        var top = Math.Max(0.25, Math.Ceiling(shares.Select(s => Math.Min(1, s.Excused + s.Unexcused + s.Late)).DefaultIfEmpty(0).Max() * 4) / 4);
        int Px(double share) => (int)Math.Round(ChartHeight * Math.Min(share, top) / top);
        var every = weeks.Count > 12 ? 2 : 1;
        var bars = weeks.Select((w, i) =>
        {
            var s = shares[i];
            var parts = new List<ChartPart>();
            var y = ChartHeight;
            foreach (var (share, color) in new[] { (s.Excused, "#2563eb"), (s.Unexcused, "#b91c1c"), (s.Late, "#d97706") })
            {
                var h = Px(share);
                if (h > 0)
                {
                    y -= h;
                    parts.Add(new ChartPart(Math.Max(0, y), h, color));
                }
            }

            var title = w.Registered > 0
                ? $"{WeekLabel(w.Monday)}: giltig {DigestBuilder.Percent(s.Excused)}, ogiltig {DigestBuilder.Percent(s.Unexcused)}, sen ankomst {DigestBuilder.Percent(s.Late)}"
                : $"{WeekLabel(w.Monday)}: ingen registrerad tid";
            return new ChartBar(40 + i * (BarWidth + 6), BarWidth, WeekLabel(w.Monday), i % every == 0, parts, title);
        }).ToList();
        var lines = new[] { top / 2, top }.Select(v => new ChartLine(ChartHeight - Px(v), DigestBuilder.Percent(v))).ToList();
        return new ChartView(Math.Max(200, 40 + weeks.Count * (BarWidth + 6)), ChartHeight, bars, lines);
    }

    private static IReadOnlyList<WeekRow> Weeks(IReadOnlyList<PupilWeek> weeks) => weeks.Select(w => new WeekRow(
        WeekLabel(w.Monday),
        w.Registered > 0 ? DigestBuilder.Percent((double)w.Excused / w.Registered) : "–",
        w.Registered > 0 ? DigestBuilder.Percent((double)w.Unexcused / w.Registered) : "–",
        w.Registered > 0 ? DigestBuilder.Percent((double)w.Late / w.Registered) : "–",
        $"{w.Registered / 60.0:0.#} h")).ToList();

    private static IReadOnlyList<EpisodeView> Episodes(IReadOnlyList<LevelEpisode> episodes, Analysis.Figures.Term term, DateOnly today)
    {
        var span = Math.Max(1, term.End.DayNumber - term.Start.DayNumber + 1);
        int Pos(DateOnly d) => Math.Clamp((int)Math.Round(100.0 * (d.DayNumber - term.Start.DayNumber) / span), 0, 100);
        return episodes.Select(e =>
        {
            var from = Pos(e.EnteredOn);
            var to = e.LeftOn is { } left ? Pos(left) : Pos(today < term.End ? today : term.End);
            var how = e.EnteredAs switch { EnteredAs.Escalated => "ökade", EnteredAs.Lowered => "minskade", _ => "ny" };
            var ended = e.LeftBecause switch
            {
                LeftBecause.Escalated => "ökade",
                LeftBecause.Lowered => "minskade",
                LeftBecause.BelowThresholds => "under gränserna",
                LeftBecause.LeftSchool => "slutade på skolan",
                _ => null,
            };
            return new EpisodeView(DigestBuilder.LevelLabel(e.Level.ToString()), e.Level.ToString(), Date(e.EnteredOn),
                e.LeftOn is { } l ? Date(l) : "pågår", ended is null ? how : $"{how}, därefter {ended}", from, Math.Max(1, to - from));
        }).ToList();
    }


    private static IReadOnlyList<MonthTick> Months(Analysis.Figures.Term term)
    {
        var span = Math.Max(1, term.End.DayNumber - term.Start.DayNumber + 1);
        var ticks = new List<MonthTick>();
        for (var m = term.Start; m <= term.End; m = m.AddMonths(1))
        {
            ticks.Add(new MonthTick(m.ToString("MMM", Sv).TrimEnd('.'), (int)Math.Round(100.0 * (m.DayNumber - term.Start.DayNumber) / span)));
        }

        return ticks;
    }

    private static string WeekLabel(DateOnly monday) => $"v. {ISOWeek.GetWeekOfYear(monday.ToDateTime(TimeOnly.MinValue))}";

    public static string Query(params (string Key, string? Value)[] parts)
    {
        var set = parts.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        return set.Count == 0 ? "" : "?" + string.Join("&", set);
    }
}
