namespace Skolnarvaro.Ingestion.Import;

/// <summary>
/// <see cref="Rejected"/> includes a file held back by the shrink guard (<see cref="ImportResult.HeldBack"/>);
/// <see cref="Failed"/> is returned by nobody (a failed import throws) but is what import_file records for it.
/// </summary>
public enum ImportStatus { Imported, AlreadyImported, Rejected, Failed }

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
    /// <summary>Rejected by the shrink guard: it would remove pupils' facts; <c>--allow-shrink</c> takes it.</summary>
    public bool HeldBack { get; init; }

    /// <summary>Older pupil-days left as they were because rows of the file were quarantined (a quarantined row never removes a fact).</summary>
    public long FactsKept { get; init; }

    /// <summary>Where each line of the file went; null when the file was not read (already imported, wrong encoding).</summary>
    public Parsing.LineAccount? Lines { get; init; }

    /// <summary>Where the import's time went; null when the file was not imported.</summary>
    public ImportPhases? Phases { get; init; }

    public static ImportResult AlreadyImported(string file, long id) =>
        new(file, ImportStatus.AlreadyImported, id, 0, 0, 0, 0, 0, 0,
            $"{Path.GetFileName(file)}: already imported (same content as import #{id}); nothing changed.");
}
