using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Notifications.Groups;

/// <summary>One class of the school on the night with its mentors, as the roster in force names them (none: no mentor).</summary>
public sealed record ClassMentorsOnNight(string Class, IReadOnlyList<Recipient> Mentors);

/// <summary>What the night hands the groups' digests beside the rektorer's request: the roster, and who has a long spell.</summary>
/// <param name="Classes">Every class of the school on the night with its mentors.</param>
/// <param name="RosterInForce">The school has a roster in force: before it sends one, every class would read as without a mentor.</param>
/// <param name="LongSpells">Pupils (pupil key, hex) whose absence shows one long whole-day spell (the analysis's LongSpell pattern).</param>
public sealed record GroupRequest(IReadOnlyList<ClassMentorsOnNight> Classes, bool RosterInForce, IReadOnlySet<string> LongSpells)
{
    public static readonly GroupRequest None = new([], false, new HashSet<string>());

    /// <summary>Pupils of the school the skolnärvaroteam is told about tonight (<see cref="TeamPlan.ToldAbout"/>).</summary>
    public int TeamTold { get; init; }

    /// <summary>Classes the roster in force gives no mentor; none before the school has a roster.</summary>
    public IReadOnlyList<string> WithoutMentor => RosterInForce ? [.. Classes.Where(c => c.Mentors.Count == 0).Select(c => c.Class)] : [];
}

/// <summary>One group mail planned for a recipient: their classes (a mentor's) and their pupils in concern order.</summary>
public sealed record GroupMail(RecipientGroup Group, Recipient To, IReadOnlyList<string> Classes, IReadOnlyList<FlaggedPupil> Pupils)
{
    /// <summary>The recipient's classes that have pupils in the mail: "told" in the other digests' line.</summary>
    public IReadOnlyList<string> ToldClasses =>
        [.. Classes.Where(c => Pupils.Any(p => string.Equals(p.ClassName.Trim(), c.Trim(), StringComparison.OrdinalIgnoreCase)))];
}

/// <summary>A school's group digests for a night before they are recorded: which groups are due and the mails they make.</summary>
public sealed record GroupPlan(string School, DateOnly AsOf, IReadOnlyList<RecipientGroup> Due, IReadOnlyList<GroupMail> Mails, DigestDataQuality Quality)
{
    public IReadOnlySet<string> LongSpells { get; init; } = new HashSet<string>();

    /// <summary>Groups whose first digest at the school this is: nobody in it is "new since the last one".</summary>
    public IReadOnlySet<RecipientGroup> First { get; init; } = new HashSet<RecipientGroup>();

    /// <summary>Pupils of the school the skolnärvaroteam is told about tonight (<see cref="TeamPlan.ToldAbout"/>).</summary>
    public int TeamTold { get; init; }

    /// <summary>The rektor's line on who else is told this time; null when nobody else is.</summary>
    public string? ForRektor => Sentences(AlsoTold.ForRektor(Mails), AlsoTold.TeamSentence(TeamTold));

    /// <summary>A group mail's line on who else is told this time.</summary>
    public string ForGroup(GroupMail mail, bool rektorTold) => AlsoTold.ForGroup(mail, Mails, rektorTold, TeamTold > 0);

    private static string? Sentences(params string?[] sentences) =>
        sentences.OfType<string>().ToList() is { Count: > 0 } said ? string.Join(" ", said) : null;
}

/// <summary>A group mail recorded (or found recorded by an earlier run of the same night) in the outbox.</summary>
public sealed record GroupDigestQueued(RecipientGroup Group, string Email, IReadOnlyList<string> Classes, int Pupils, bool Queued);
