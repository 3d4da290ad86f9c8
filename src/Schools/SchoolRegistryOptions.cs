using Skolnarvaro.Calendar;

namespace Skolnarvaro.Schools;

/// <summary>
/// The school registry as configured (Skolnarvaro:Schools, usually from the schools file): bound and validated at start-up
/// once, then read by every stage as the typed <see cref="SchoolRegistry"/>.
/// </summary>
public sealed class SchoolRegistryOptions
{
    public const string Section = "Skolnarvaro";

    public List<SchoolEntry> Schools { get; set; } = [];
}

/// <summary>
/// One entry as written (Skolnarvaro:Schools:n). Text, not enums, where a value may be mistyped (the driftsform): the
/// validator names the key and the value instead of the binder's conversion error. A new recipient group of a school is one
/// more list here, on <see cref="School"/>, and one more line in the validator.
/// </summary>
public sealed class SchoolEntry
{
    public string? Skolenhetskod { get; set; }
    public string? Name { get; set; }
    /// <summary>Municipal (kommunal) or Independent (fristående).</summary>
    public string? Driftsform { get; set; }
    public string? Huvudman { get; set; }
    public List<RecipientEntry> Rektorer { get; set; } = [];
    /// <summary>The school's elevhälsoteam (EHT): its shared address or its members.</summary>
    public List<RecipientEntry> Elevhalsan { get; set; } = [];
    /// <summary>The skolnärvaroteam that takes the school's support requests: the municipality's, or a fristående huvudman's own.</summary>
    public List<RecipientEntry> Skolnarvaroteam { get; set; } = [];
    public string? Profile { get; set; }
    /// <summary>Folder the school's exports arrive in; relative paths are relative to the schools file.</summary>
    public string? Inbox { get; set; }
    /// <summary>Only what differs from Skolnarvaro:Calendar.</summary>
    public CalendarSettings? Calendar { get; set; }
}

/// <summary>A person of a recipient group as written (Skolnarvaro:Schools:n:Rektorer:m).</summary>
public sealed class RecipientEntry
{
    public string? Name { get; set; }
    public string? Email { get; set; }
}
