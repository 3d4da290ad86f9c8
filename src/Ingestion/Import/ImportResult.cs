namespace Skolnarvaro.Ingestion.Import;

public enum ImportStatus { Imported, AlreadyImported, Rejected }

/// <summary>What one file's import did, for the CLI summary, the run record and the analysts.</summary>
public sealed record ImportResult(
    string File,
    ImportStatus Status,
    long? ImportFileId,
    long RowsRead,
    long RowsImported,
    long RowsQuarantined,
    long RowsProtected,
    long FactsWritten,
    long FactsReplaced,
    string Message)
{
    public static ImportResult AlreadyImported(string file, long id) =>
        new(file, ImportStatus.AlreadyImported, id, 0, 0, 0, 0, 0, 0,
            $"{Path.GetFileName(file)}: already imported (same content as import #{id}); nothing changed.");
}
