using Skolnarvaro.Ingestion.Parsing;

namespace Skolnarvaro.Ingestion.Import.Checks;

/// <summary>
/// A whole file refused by a check: the message recorded on import_file (and logged), the problems recorded for the
/// school's quarantine listing, and what was counted before the check refused it.
/// </summary>
internal sealed record Rejection(string Message, IReadOnlyList<RowProblem> Problems)
{
    public long RowsRead { get; init; }
    /// <summary>All problem rows, of which <see cref="Problems"/> holds the first ones; their number when null.</summary>
    public long? ProblemCount { get; init; }
    public long ProtectedCount { get; init; }
    public LineAccount? Lines { get; init; }
    /// <summary>Held back rather than rejected: the file may be right, and the analyst can confirm it.</summary>
    public bool HeldBack { get; init; }

    /// <summary>A refusal with one reason on one line, the file's whole verdict.</summary>
    public static Rejection Whole(string message, int line, string reason) => new(message, [new RowProblem(line, null, null, reason)]);
}
