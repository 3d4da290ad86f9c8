using Skolnarvaro.Ingestion.Parsing;

namespace Skolnarvaro.Ingestion.Import.Checks;

/// <summary>What reading a file gave, as the checks after reading see it.</summary>
/// <param name="Problems">The first problem rows (up to the number stored); <paramref name="ProblemCount"/> counts them all.</param>
internal sealed record RowsRead(long Rows, LineAccount Lines, IReadOnlyList<RowProblem> Problems, long ProblemCount, long ProtectedCount);
