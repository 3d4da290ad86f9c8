using Skolnarvaro.Calendar;

namespace Skolnarvaro.Schools;

/// <summary>Kommunal (the municipality is huvudman) or fristående (a company, foundation or association is).</summary>
public enum Driftsform { Municipal, Independent }

/// <summary>Someone a school's digests go to, as the registry names them: a rektor, and any later recipient group alike.</summary>
public sealed record Recipient(string Name, string Email);

/// <summary>
/// One school of the registry (Skolnarvaro:Schools:n) as written, every stage's view of it: who it is, who hears about its
/// pupils, where its exports arrive and in what profile, and its own calendar where it differs from the municipality's.
/// </summary>
public sealed record School(string Skolenhetskod, string Name)
{
    /// <summary>The entry's key (Skolnarvaro:Schools:n): messages name it, and a stage binds its own settings of the school under it.</summary>
    public string Key { get; init; } = "";

    public Driftsform Driftsform { get; init; }

    /// <summary>The municipality for a kommunal school, the company or foundation behind a fristående one.</summary>
    public string Huvudman { get; init; } = "";

    /// <summary>The rektorer the school's digests and sign-in links go to, in the registry's order.</summary>
    public IReadOnlyList<Recipient> Rektorer { get; init; } = [];

    /// <summary>The school's elevhälsoteam: the school's pupils at hög frånvaro and long whole-day spells; may be empty.</summary>
    public IReadOnlyList<Recipient> Elevhalsan { get; init; } = [];

    /// <summary>The skolnärvaroteam that takes the school's support requests; may be empty (no team to hand over to).</summary>
    public IReadOnlyList<Recipient> Skolnarvaroteam { get; init; } = [];

    /// <summary>The export profile the school's files are read with (a built-in one or Skolnarvaro:Profiles).</summary>
    public string Profile { get; init; } = "";

    /// <summary>The folder its exports arrive in, as written: relative to the schools file's folder.</summary>
    public string Inbox { get; init; } = "";

    /// <summary>Where the school's calendar differs from the municipality's; null where it does not.</summary>
    public CalendarSettings? Calendar { get; init; }

    /// <summary>Fristående: its huvudman is not the municipality, and digests and pages say so.</summary>
    public bool Independent => Driftsform == Driftsform.Independent;
}

/// <summary>Who at a school is told about its pupils, each with their own scope: the digests and pages are cut per group.</summary>
public enum RecipientGroup
{
    /// <summary>The school's rektorer: every pupil over the lines, with the legal steps.</summary>
    Rektor,
    /// <summary>A class's mentor(s), from the school's roster: only their classes' pupils.</summary>
    Mentor,
    /// <summary>The school's elevhälsoteam (EHT): the school's pupils at hög frånvaro and long whole-day spells.</summary>
    Elevhalsan,
    /// <summary>The skolnärvaroteam: only pupils for whom the school has requested support, across the schools it serves.</summary>
    Skolnarvaroteam,
}
