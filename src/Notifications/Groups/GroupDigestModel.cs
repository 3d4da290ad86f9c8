using Skolnarvaro.Notifications.Digests;

namespace Skolnarvaro.Notifications.Groups;

/// <summary>What a group's digest template sees (snake_case in Scriban: group, school_name, summary, pupils…).</summary>
/// <param name="Group">"Mentor" or "Elevhalsan": the template words the top for each.</param>
/// <param name="Greeting">"Hej Anna Berg," or "Hej elevhälsan,".</param>
/// <param name="Scope">Whose pupils: "4A och 5B" for a mentor, the school's name for elevhälsan.</param>
/// <param name="FirstSteps">What the group does first, two or three short lines.</param>
/// <param name="Pupils">The cards, in concern order.</param>
/// <param name="Listed">The rest of the group's pupils, one line per level and class with their names.</param>
/// <param name="AlsoTold">Who else at the school was told this time, in one sentence.</param>
public sealed record GroupDigestModel(
    string Group, string SchoolName, string Huvudman, string RunDate, string Greeting, string Scope, string Summary,
    IReadOnlyList<string> FirstSteps, IReadOnlyList<GroupDigestPupil> Pupils, IReadOnlyList<DigestListed> Listed, string AlsoTold,
    IReadOnlyList<string> Caveats, int Total)
{
    /// <summary>The recipient's personal link to what their group may see of the school, or null where the page does not serve it.</summary>
    public DigestLink? Link { get; init; }
}

/// <summary>One pupil's short card in a group's digest.</summary>
/// <param name="Change">"Ny" or "Har ökat från riskfrånvaro" since the last digest; empty otherwise.</param>
/// <param name="Action">What to do first for this pupil, in one sentence.</param>
/// <param name="LongSpell">The pupil's absence shows one long whole-day spell.</param>
/// <param name="Step">The legal steps recorded ("Utredning inledd 12 november · …"), or null.</param>
/// <param name="Descriptions">What the pupil did, as the rektor's card says it (elevhälsan's cards; a mentor's card shows the first).</param>
public sealed record GroupDigestPupil(
    string DisplayName, string ClassName, string Level, string LevelCode, string Change, string Since, string TermShare, string RecentShare,
    int RecentDays, string Action, bool LongSpell, string? Step, IReadOnlyList<string> Descriptions);
