namespace Skolnarvaro.Ingestion.Import.Checks;

/// <summary>
/// Every physical line is imported, quarantined, protected identity, blank or header: when the counts do not add up,
/// some lines were read wrongly, and the file is rejected rather than imported on a reading nobody can account for.
/// </summary>
internal static class LineAccountCheck
{
    public static Rejection? Check(string fileName, RowsRead read)
    {
        if (read.Lines.AddsUp)
        {
            return null;
        }

        var message = $"{fileName}: rejected, nothing imported: its lines do not add up, so some were read wrongly: {read.Lines}.";
        return Rejection.Whole(message, 1, message) with { RowsRead = read.Rows, Lines = read.Lines };
    }
}
