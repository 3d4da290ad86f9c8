namespace Skolnarvaro.Ingestion.Import;

/// <summary>How far the import of one file has come: bytes of the file read and rows parsed so far.</summary>
public readonly record struct ImportProgress(string File, long Bytes, long FileBytes, long Rows)
{
    public double Fraction => FileBytes <= 0 ? 1 : Math.Min(1, (double)Bytes / FileBytes);

    /// <summary>Names the file on each report of a reader that does not know it.</summary>
    internal sealed class ForFile(IProgress<ImportProgress> target, string file) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => target.Report(value with { File = file });
    }
}
