using Skolnarvaro.Ingestion.Identity;

namespace Skolnarvaro.Ingestion.Import.Checks;

/// <summary>
/// A file whose share of bad rows is over the limit (<c>Skolnarvaro:MaxBadRowShare</c>) is rejected whole, naming the
/// first bad row: so many bad rows mean the file, not a few rows, is wrong.
/// </summary>
internal static class BadRowShareCheck
{
    public static Rejection? Check(string fileName, RowsRead read, double maxBadRowShare)
    {
        var badShare = read.Rows == 0 ? 0 : (double)read.ProblemCount / read.Rows;
        if (badShare <= maxBadRowShare)
        {
            return null;
        }

        var first = read.Problems.OrderBy(p => p.Line).First();
        var message =
            $"{fileName}: rejected, nothing imported: {read.ProblemCount} of {read.Rows} rows ({badShare:P1}) are bad; the limit is " +
            $"{maxBadRowShare:P1}. First: line {first.Line}{(first.Column is null ? "" : $", column '{QuarantineMasking.Excerpt(first.Column)}'")}" +
            $"{(first.Value is null ? "" : $", value '{QuarantineMasking.Excerpt(first.Value)}'")}: {first.Reason}.";
        return new Rejection(message, read.Problems)
        {
            RowsRead = read.Rows, ProblemCount = read.ProblemCount, ProtectedCount = read.ProtectedCount, Lines = read.Lines,
        };
    }
}
