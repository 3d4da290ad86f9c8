namespace Skolnarvaro.Ingestion.Roster;

/// <summary>
/// <see cref="Imported"/>: the roster is in force from its night; <see cref="Unchanged"/>: the same content as the roster in
/// force, not read again; <see cref="Rejected"/>: nothing changed, the roster in force stays.
/// </summary>
public enum RosterImportStatus { Imported, Unchanged, Rejected }

/// <summary>What reading one roster file did, for the command line, the logs and the nightly run.</summary>
/// <param name="Night">The night from which the roster is in force (when imported), or that it was read for.</param>
/// <param name="Mentors">Mentors of classes in the file (a repeated row counted once).</param>
/// <param name="ClassesWithoutMentor">The school's classes that the roster in force leaves without a mentor on the night.</param>
public sealed record RosterImportResult(
    string File,
    RosterImportStatus Status,
    long? RosterImportId,
    DateOnly Night,
    int Mentors,
    int Added,
    int Ended,
    IReadOnlyList<string> ClassesWithoutMentor,
    string Message);
