namespace Skolnarvaro.Ingestion.Import;

/// <summary>
/// Older pupil-days an import left as they were because rows of the file were quarantined: of pupils with a quarantined
/// row, and of pupils the file's valid rows leave out (or, when a quarantined row's pupil could not be read, pupil-days).
/// </summary>
/// <param name="Discarded">The file's own facts for kept pupil-days, made of the rows left, which were discarded.</param>
internal sealed record KeptFacts(long Quarantined, long QuarantinedPupils, long Absent, long AbsentPupils, long Discarded, bool Unidentified)
{
    public static readonly KeptFacts None = new(0, 0, 0, 0, 0, false);

    public long Total => Quarantined + Absent;

    /// <summary>The sentence the import's summary ends with; empty when nothing was kept.</summary>
    public string Note => Total == 0 ? "" :
        $" Kept {Total:N0} older pupil-days (facts) of the file's dates as they were, because rows were quarantined:" +
        (Quarantined > 0 ? $" {Quarantined:N0} of {QuarantinedPupils:N0} pupils with a quarantined row (the broken field may be the day or the minutes)" : "") +
        (Quarantined > 0 && Absent > 0 ? ";" : "") +
        (Absent > 0
            ? $" {Absent:N0} of {AbsentPupils:N0} pupils the file's valid rows leave out" +
              (Unidentified ? " or on the day of a quarantined row whose pupil could not be read (it may be theirs)" : "")
            : "") +
        ". They are replaced when a file brings them whole.";
}
