using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.Ingestion.Parsing;

namespace Skolnarvaro.Ingestion.Import.Checks;

/// <summary>
/// The rules that refuse a whole file, in the order the import applies them. Each is a class of this folder with its own
/// tests; docs/import-checks.md lists them with their messages. Besides these, the file must be readable at all
/// (<see cref="ReadableFile"/>), its header must name the profile's columns (<see cref="ExportReader"/>), and no record
/// may swallow other lines or end the file cut off (<see cref="FileRejectedException"/> while reading).
/// </summary>
internal static class ImportChecks
{
    /// <summary>Before any row is read: the file's bytes.</summary>
    public static Rejection? BeforeReading(string fileName, string path, ResolvedProfile profile, FileScan scan) =>
        NotTextCheck.Check(fileName, path)
        ?? EncodingCheck.Check(fileName, path, profile, scan);

    /// <summary>After every row is read, before anything is merged: the rows.</summary>
    public static Rejection? AfterReading(string fileName, RowsRead read, double maxBadRowShare) =>
        LineAccountCheck.Check(fileName, read)
        ?? BadRowShareCheck.Check(fileName, read, maxBadRowShare);

    // After the facts are merged, the shrink of the school's older facts: ShrinkCheck (it needs the merged facts).
}
