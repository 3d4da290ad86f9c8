using System.Globalization;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Notifications.Digests;

/// <summary>
/// Composes a school's digest: a summary and counts at the top, at most <c>maxPupils</c> cards in the order the analysis
/// gave (concern order), the rest as one line per level and class — or, in the school's first digest, as a compact list.
/// </summary>
public static class DigestBuilder
{
    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");

    /// <summary>A school with more classes than this is counted by grade at the top of the digest.</summary>
    public const int MaxClassRows = 10;

    public static DigestModel Build(
        School school, DateOnly runDate, DigestKind kind, IReadOnlyList<FlaggedPupil> pupils, DigestRequest request,
        IReadOnlyList<string> caveats, NameDisplay names, int maxPupils, DateOnly? lastDigest = null)
    {
        // News takes the cards before reminders (each in concern order): a weekly digest with a 14-day cool-down would
        // otherwise spend its cards every other week on pupils the rektor heard about a fortnight ago.
        pupils = kind == DigestKind.News ? [.. pupils.OrderByDescending(p => p.Entry.IsNews)] : pupils;
        var cards = pupils.Take(maxPupils).Select(p => Card(p, names, runDate)).ToList();
        var rest = pupils.Skip(maxPupils).ToList();
        var byGrade = pupils.Select(p => p.ClassName).Distinct().Count() > MaxClassRows;
        string Group(FlaggedPupil p) => byGrade ? Grade(p.ClassName) : p.ClassName;

        var levels = LevelCodes
            .Select(code => (code, all: pupils.Where(p => p.Entry.LevelCode == code).ToList()))
            .Where(x => x.all.Count > 0)
            .Select(x => new DigestLevelRow(LevelLabel(x.code), x.code,
                x.all.Count(p => p.Entry.ChangeCode == "New"), x.all.Count(p => p.Entry.ChangeCode == "Escalated"),
                x.all.Count(p => !p.Entry.IsNews), x.all.Count))
            .ToList();
        var groups = pupils.GroupBy(Group)
            .OrderBy(g => g.Key, ClassOrder.Instance)
            .Select(g => new DigestGroupRow(g.Key, g.Count(p => p.Entry.LevelCode == "High"), g.Count(p => p.Entry.LevelCode == "AtRisk"),
                g.Count(p => p.Entry.LevelCode == "Trend"), g.Count()))
            .ToList();
        var more = kind == DigestKind.Overview ? [] : LevelCodes
            .Select(code => (code, rest: rest.Where(p => p.Entry.LevelCode == code).ToList()))
            .Where(x => x.rest.Count > 0)
            .Select(x => $"och {x.rest.Count} till med {LevelLabel(x.code).ToLower(Sv)}: " +
                         string.Join(", ", x.rest.GroupBy(Group).OrderBy(g => g.Key, ClassOrder.Instance).Select(g => $"{g.Key} ({g.Count()})")))
            .ToList();
        var listed = kind == DigestKind.Overview
            ? LevelCodes.SelectMany(code => rest.Where(p => p.Entry.LevelCode == code)
                    .GroupBy(p => p.ClassName).OrderBy(g => g.Key, ClassOrder.Instance)
                    .Select(g => new DigestListed(LevelLabel(code), g.Key, g.Count(), string.Join(", ", g.Select(p => DisplayName(p, names))))))
                .ToList()
            : [];

        var notes = new List<string>();
        if (request.LeftLevels > 0)
        {
            notes.Add(request.LeftLevels == 1
                ? "En elev som har varit på någon av nivåerna sedan förra sammanfattningen är det inte längre."
                : $"{request.LeftLevels} elever som har varit på någon av nivåerna sedan förra sammanfattningen är det inte längre.");
        }

        if (kind == DigestKind.News && LeftOut(request.Pupils) is { } leftOut)
        {
            notes.Add(leftOut);
        }

        if (request.ClassesWithoutMentor.Count > 0)
        {
            notes.Add(WithoutMentor(request.ClassesWithoutMentor));
        }

        if (!request.ShowsDays)
        {
            notes.Add("Skolans närvaroexporter är summor för perioder och visar inte enskilda dagar. Därför visas inte frånvaro per dag, veckodag, ämne eller vecka.");
        }

        return new DigestModel(
            new DigestSchool(school.Skolenhetskod, school.Name, school.Huvudman, string.Join(", ", school.Rektorer.Select(r => r.Name))),
            Date(runDate), kind.ToString(), Summary(kind, pupils, lastDigest, school.Independent ? school.Huvudman : null), levels, byGrade ? "Årskurs" : "Klass", groups, cards, more, listed,
            notes, caveats, pupils.Count)
        {
            AlsoTold = request.AlsoTold,
            AtLevels = pupils.Count(p => p.Entry.LevelCode != "Trend"),
            Rising = pupils.Count(p => p.Entry.LevelCode == "Trend"),
        };
    }

    public static string Date(DateOnly date) => date.ToString("d MMMM yyyy", Sv);

    /// <summary>"12 %": whole percent, as the digests show shares.</summary>
    public static string Percent(double share) => (share * 100).ToString("0", Sv) + " %";

    private static readonly string[] LevelCodes = ["High", "AtRisk", "Trend"];

    /// <summary>
    /// The digest's opening sentences. A pupil with stigande frånvaro is below every line, so they are counted apart from
    /// the pupils whose absence is over the limits, never among them.
    /// </summary>
    /// <param name="fristaendeHuvudman">A fristående school's own huvudman, or null for a kommunal school.</param>
    private static string Summary(DigestKind kind, IReadOnlyList<FlaggedPupil> pupils, DateOnly? lastDigest, string? fristaendeHuvudman)
    {
        int Count(string level, params string[] changes) =>
            pupils.Count(p => p.Entry.LevelCode == level && (changes.Length == 0 || changes.Contains(p.Entry.ChangeCode)));
        int AtLevels(params string[] changes) => Count("High", changes) + Count("AtRisk", changes);
        if (kind == DigestKind.Overview)
        {
            return Overview(Count("High"), Count("AtRisk"), Count("Trend"), fristaendeHuvudman);
        }

        var since = lastDigest is { } last ? $"Nytt sedan förra sammanfattningen ({last.ToString("d MMMM", Sv)})" : "Nytt sedan förra sammanfattningen";
        var (news, escalated, risingNews) = (AtLevels("New"), AtLevels("Escalated"), Count("Trend", "New", "Escalated"));
        if (kind == DigestKind.Urgent)
        {
            return $"Brådskande: {Pupils(news + escalated)} har fått hög frånvaro.";
        }

        var sentences = new List<string>();
        var overLimits = Join(
            news > 0 ? $"{Pupils(news)} har fått frånvaro över gränserna" : null,
            escalated > 0 ? $"{Pupils(escalated)} har fått ökad frånvaro" : null);
        if (overLimits.Length > 0)
        {
            sentences.Add($"{since}: {overLimits}.");
        }

        if (risingNews > 0)
        {
            sentences.Add(overLimits.Length > 0 ? $"Dessutom har {Pupils(risingNews)} {RisingBelow}." : $"{since}: {Pupils(risingNews)} har {RisingBelow}.");
        }

        var (reminded, risingReminded) = (AtLevels("Reminder"), Count("Trend", "Reminder"));
        if (reminded + risingReminded > 0)
        {
            sentences.Add("Påminnelse: " + Join(
                reminded > 0 ? $"{Pupils(reminded)} har fortfarande frånvaro över gränserna" : null,
                risingReminded > 0 ? $"{Pupils(risingReminded)} har fortfarande {RisingBelow}" : null) + ".");
        }

        return string.Join(" ", sentences);
    }

    private const string RisingBelow = "en frånvaro som ökar men ännu är under gränserna";

    /// <summary>
    /// The first digest's opening: who is at the levels today, and apart from them who is rising below them. The limits are
    /// the municipality's agreement for its own schools; a fristående school's huvudman is the company or foundation behind it,
    /// which took the common limits on by joining the municipality's work, so its digest names that huvudman.
    /// </summary>
    private static string Overview(int high, int atRisk, int rising, string? fristaendeHuvudman)
    {
        var levels = Join(high > 0 ? $"{Pupils(high)} hög frånvaro" : null, atRisk > 0 ? $"{Pupils(atRisk)} riskfrånvaro" : null);
        var limits = fristaendeHuvudman is null ? "de gränser kommunen har kommit överens om"
            : $"de gränser som {(string.IsNullOrWhiteSpace(fristaendeHuvudman) ? "skolans huvudman" : fristaendeHuvudman.Trim())} har kommit överens om med kommunen";
        var first = levels.Length > 0
            ? $"Det här är skolans första sammanfattning. I dag har {levels} enligt {limits}."
            : $"Det här är skolans första sammanfattning. I dag har ingen elev frånvaro över {limits}.";
        return rising > 0 ? $"{first} {(rising == 1 ? "En elev" : $"{rising} elever")} har {RisingBelow}." : first;
    }

    /// <summary>
    /// Pupils at a level the digest does not mention (an open investigation, or told about within the cool-down), so its counts
    /// agree with the school's page: "1 elev med pågående utredning nämns inte i den här sammanfattningen."
    /// </summary>
    private static string? LeftOut(IReadOnlyList<DigestEntry> all)
    {
        var notTold = all.Where(p => p.ChangeCode == "AtLevel").ToList();
        var investigated = notTold.Count(p => p.Investigation is { StartedOn: not null, ClosedOn: null });
        var recent = notTold.Count - investigated;
        if (notTold.Count == 0)
        {
            return null;
        }

        var who = Join(
            investigated > 0 ? $"{Pupils(investigated)} med pågående utredning" : null,
            recent > 0 ? $"{Pupils(recent)} som har nämnts nyligen" : null);
        return $"{char.ToUpper(who[0], Sv)}{who[1..]} nämns inte i den här sammanfattningen.";
    }

    private static string Pupils(int n) => n == 1 ? "1 elev" : $"{n} elever";

    /// <summary>
    /// Classes the roster in force gives no mentor: their pupils reach no mentor, so the rektor is told, never left to guess
    /// from a missing mail.
    /// </summary>
    private static string WithoutMentor(IReadOnlyList<string> classes) => classes.Count == 1
        ? $"Klass {classes[0]} har ingen mentor i skolans mentorslista, så ingen mentor har fått klassens elever. Skicka en ny mentorslista där klassen har en mentor."
        : $"Klasserna {Join([.. classes])} har ingen mentor i skolans mentorslista, så ingen mentor har fått deras elever. Skicka en ny mentorslista där klasserna har en mentor.";

    internal static string Join(params string?[] parts)
    {
        var list = parts.OfType<string>().ToList();
        return list.Count <= 1 ? string.Concat(list) : $"{string.Join(", ", list[..^1])} och {list[^1]}";
    }

    private static DigestPupil Card(FlaggedPupil p, NameDisplay names, DateOnly runDate)
    {
        var e = p.Entry;
        // A Trend pupil is on the card because the model saw their absence rise; a direction that says otherwise is left out.
        var (direction, symbol) = e.Direction switch
        {
            "Rising" => ("stigande", "↑"),
            _ when e.LevelCode == "Trend" => ("", ""),
            "Falling" => ("sjunkande", "↓"),
            _ => ("oförändrad", "→"),
        };
        var weeks = e.Weeks ?? [];
        var max = Math.Max(0.25, weeks.Max(w => w.Share) ?? 0);
        var bars = weeks.Select(w => new DigestBar(
            $"v. {ISOWeek.GetWeekOfYear(w.Monday.ToDateTime(TimeOnly.MinValue))}",
            w.Share is { } s ? Percent(s) : w.Lov ? "lov" : "–",
            w.Share is { } v ? Math.Max(v > 0 ? 2 : 0, (int)Math.Round(22 * v / max)) : 0)).ToList();
        return new DigestPupil(
            DisplayName(p, names), p.ClassName, LevelLabel(e.LevelCode), e.LevelCode, ChangeLabel(e),
            Date(e.Since), Percent(e.TermShare), Percent(e.RecentShare), e.RecentDays, direction, symbol,
            e.Descriptions, bars, Blocks(weeks), Legend(weeks, "lov", "–"), Legend(weeks, "L", "·"), e.FinishedSpell is { } spell ? $"En sammanhängande frånvaroperiod {Dates(spell)}, därefter närvarande." : null,
            Step(e.Investigation));
    }

    /// <summary>"Utredning inledd 12 november · anmäld till huvudmannen 14 november · avslutad 3 december", or null without steps.</summary>
    public static string? Step(DigestInvestigation? i)
    {
        if (i?.StartedOn is not { } started)
        {
            return null;
        }

        var parts = new (string Words, DateOnly? On)[]
        {
            ("Utredning inledd", started), ("anmäld till huvudmannen", i.ReportedOn), ("avslutad", i.ClosedOn),
            ("stöd begärt från skolnärvaroteamet", i.SupportRequestedOn), ("stöd påbörjat", i.SupportStartedOn), ("stöd avslutat", i.SupportEndedOn),
        };
        return string.Join(" · ", parts.Where(p => p.On is not null).Select(p => $"{p.Words} {p.On!.Value.ToString("d MMMM", Sv)}"));
    }

    /// <summary>"▁▂▅█▃▁" — one block per week, "L" for a lov, "·" for a week without data; readable in any mail client.</summary>
    private static string Blocks(IReadOnlyList<DigestWeek> weeks)
    {
        const string levels = "▁▂▃▄▅▆▇█";
        return weeks.Count == 0 ? "" : string.Concat(weeks.Select(w => w.Share is { } s ? levels[Math.Clamp((int)(s * 2 * levels.Length), 0, levels.Length - 1)] : w.Lov ? 'L' : '·'));
    }

    /// <summary>One line that tells a lov from a week without data, when the weeks have either; else null.</summary>
    private static string? Legend(IReadOnlyList<DigestWeek> weeks, string lovMark, string missingMark)
    {
        var (lov, missing) = (weeks.Any(w => w.Share is null && w.Lov), weeks.Any(w => w.Share is null && !w.Lov));
        return (lov, missing) switch
        {
            (true, true) => $"{lovMark} = skolan hade lov, {missingMark} = inga uppgifter om eleven den veckan",
            (true, false) => $"{lovMark} = skolan hade lov",
            (false, true) => $"{missingMark} = inga uppgifter om eleven den veckan",
            _ => null,
        };
    }

    private static string Dates(DigestSpell s) =>
        s.From == s.To ? s.From.ToString("d MMMM", Sv)
        : s.From.Month == s.To.Month ? $"{s.From.Day}–{s.To.ToString("d MMMM", Sv)}"
        : $"{s.From.ToString("d MMMM", Sv)}–{s.To.ToString("d MMMM", Sv)}";

    internal static string DisplayName(FlaggedPupil p, NameDisplay names) => DisplayName(p.Entry.PupilKey, p.FirstName, p.LastName, names);

    internal static string DisplayName(byte[] pupilKey, string firstName, string lastName, NameDisplay names) => names switch
    {
        NameDisplay.Full => $"{firstName} {lastName}".Trim(),
        NameDisplay.FirstNameInitialClass => lastName.Length > 0 ? $"{firstName} {lastName[0]}." : firstName,
        _ => $"Elev (ref. {Convert.ToHexString(pupilKey, 0, 3)})",
    };

    private static string Grade(string className)
    {
        var digits = new string(className.TakeWhile(char.IsDigit).ToArray());
        return digits.Length > 0 ? $"Åk {digits}" : className;
    }

    public static string LevelLabel(string level) => level switch
    {
        "High" => "Hög frånvaro",
        "AtRisk" => "Riskfrånvaro",
        "Trend" => "Stigande frånvaro",
        _ => level,
    };

    internal static string ChangeLabel(DigestEntry e) => e.ChangeCode switch
    {
        "New" => "Ny",
        "Escalated" when e.FromLevelCode is { } from => $"Har ökat från {LevelLabel(from).ToLower(Sv)}",
        "Escalated" => "Har ökat",
        "Reminder" => "Påminnelse",
        _ => "Fortsatt",
    };

    /// <summary>Classes in school order: "2A" before "10A", then by name.</summary>
    internal sealed class ClassOrder : IComparer<string>
    {
        public static readonly ClassOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            static (int, string) Key(string? s)
            {
                var digits = new string((s ?? "").SkipWhile(c => !char.IsDigit(c)).TakeWhile(char.IsDigit).ToArray());
                return (digits.Length > 0 && int.TryParse(digits, out var n) ? n : int.MaxValue, s ?? "");
            }

            var (a, b) = (Key(x), Key(y));
            return a.Item1 != b.Item1 ? a.Item1.CompareTo(b.Item1) : string.CompareOrdinal(a.Item2, b.Item2);
        }
    }
}
