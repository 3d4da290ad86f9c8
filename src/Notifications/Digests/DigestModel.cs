namespace Skolnarvaro.Notifications.Digests;

/// <summary>What kind of digest: the school's first (an overview), the usual one (news since the last), or an urgent one.</summary>
public enum DigestKind { Overview, News, Urgent }

/// <summary>What a digest template sees (as snake_case in Scriban: school.name, summary, levels, pupils, more…).</summary>
/// <param name="Summary">One sentence that tells the story.</param>
/// <param name="Levels">Pupils per level: new, escalated, still at the level.</param>
/// <param name="Groups">Pupils per class (or grade, for a school with many classes) and level.</param>
/// <param name="Pupils">The cards, at most MaxPupils, in concern order.</param>
/// <param name="More">The rest of the news as one line per level: "och 23 till med riskfrånvaro: 7A 4, 7B 6".</param>
/// <param name="Listed">In the first digest, everyone else at a level as a compact list.</param>
/// <param name="Notes">Plain lines about what the digest does not show (pupils who dropped below every level, summary exports).</param>
public sealed record DigestModel(
    DigestSchool School,
    string RunDate,
    string Kind,
    string Summary,
    IReadOnlyList<DigestLevelRow> Levels,
    string GroupHeading,
    IReadOnlyList<DigestGroupRow> Groups,
    IReadOnlyList<DigestPupil> Pupils,
    IReadOnlyList<string> More,
    IReadOnlyList<DigestListed> Listed,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> Caveats,
    int Total)
{
    /// <summary>The rektor's personal link to the school's page (with the date it expires), or null where the page is not served.</summary>
    public DigestLink? Link { get; init; }

    /// <summary>Who else at the school was told this time, in one sentence; null when nobody was.</summary>
    public string? AlsoTold { get; init; }

    /// <summary>Pupils in the digest at hög frånvaro or riskfrånvaro: those whose absence is over the limits.</summary>
    public int AtLevels { get; init; }

    /// <summary>Pupils in the digest with stigande frånvaro: below every limit, counted apart from <see cref="AtLevels"/>.</summary>
    public int Rising { get; init; }

    /// <summary>In a digest with no pupils, sent because the school's exports stopped: the last export's date ("18 december 2026").</summary>
    public string? ExportsStopped { get; init; }

    /// <summary>The opening sentence; in a digest sent only because the exports stopped, what that means.</summary>
    public string Opening => ExportsStopped is { } last
        ? $"Inga nya uppgifter om frånvaro har kommit: skolans senaste närvaroexport gäller till och med {last}. Den som sköter skolans export behöver skicka en ny."
        : Summary;
}

/// <summary>A personal sign-in link: the address and "12 december 2026", the last day it opens.</summary>
public sealed record DigestLink(string Url, string ValidUntil);

public sealed record DigestSchool(string Skolenhetskod, string Name, string Huvudman, string Rektorer);

public sealed record DigestLevelRow(string Level, string LevelCode, int New, int Escalated, int Still, int Total)
{
    /// <summary>"19 nya elever", "7 elever: 4 nya, 1 från en lägre nivå och 2 sedan tidigare".</summary>
    public string Breakdown => (New, Escalated, Still) switch
    {
        _ when New == Total => Total == 1 ? "1 ny elev" : $"{Total} nya elever",
        _ when Escalated == Total => $"{Pupils(Total)} från en lägre nivå",
        _ when Still == Total => $"{Pupils(Total)} sedan tidigare",
        _ => $"{Pupils(Total)}: {Parts()}",
    };

    private static string Pupils(int n) => n == 1 ? "1 elev" : $"{n} elever";

    private string Parts()
    {
        var parts = new[] { New > 0 ? $"{New} {(New == 1 ? "ny" : "nya")}" : null, Escalated > 0 ? $"{Escalated} från en lägre nivå" : null, Still > 0 ? $"{Still} sedan tidigare" : null }
            .OfType<string>().ToList();
        return parts.Count == 1 ? parts[0] : $"{string.Join(", ", parts[..^1])} och {parts[^1]}";
    }
}

public sealed record DigestGroupRow(string Group, int High, int AtRisk, int Trend, int Total);

/// <summary>One pupil's card.</summary>
/// <param name="Change">"Ny", "Har ökat från riskfrånvaro", "Påminnelse".</param>
/// <param name="Direction">"stigande", "sjunkande" or "oförändrad": the recent share against the term's; empty on a Trend card whose shares do not show the rise.</param>
/// <param name="Weeks">The last eight school weeks as bars (empty for schools whose exports do not show days).</param>
/// <param name="WeeksText">The same weeks in block characters, for the plain-text part.</param>
/// <param name="WeeksLegend">One line telling a lov from a week without data, when the weeks have either; else null.</param>
/// <param name="WeeksTextLegend">The same for the block characters of the plain-text part.</param>
/// <param name="Spell">"En sammanhängande frånvaroperiod 18–22 november, därefter närvarande", or null.</param>
/// <param name="Step">The legal steps recorded on the rektor's page: "Utredning inledd 12 november · anmäld till huvudmannen 14 november", or null.</param>
public sealed record DigestPupil(
    string DisplayName, string ClassName, string Level, string LevelCode, string Change, string Since,
    string TermShare, string RecentShare, int RecentDays, string Direction, string DirectionSymbol,
    IReadOnlyList<string> Descriptions, IReadOnlyList<DigestBar> Weeks, string WeeksText, string? WeeksLegend, string? WeeksTextLegend, string? Spell, string? Step);

/// <summary>One week's bar: its label ("v. 46"), the share ("12 %", "lov", or "–" without data) and the bar's height in pixels.</summary>
public sealed record DigestBar(string Label, string Share, int Height);

/// <summary>The first digest's compact list: one line per level and class with the pupils' names (or references).</summary>
public sealed record DigestListed(string Level, string ClassName, int Count, string Pupils);

/// <summary>One pupil at a level with their names at the school, as the digest builder receives them.</summary>
public sealed record FlaggedPupil(DigestEntry Entry, string FirstName, string LastName, string ClassName);
