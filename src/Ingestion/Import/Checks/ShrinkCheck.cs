namespace Skolnarvaro.Ingestion.Import.Checks;

/// <summary>What replacing the school's older facts of the file's dates would remove without a new fact in its place.</summary>
internal readonly record struct Shrink(long Days, long Pupils, long PupilsGone, long Before, double Share);

/// <summary>
/// A file that would remove more than <c>Skolnarvaro:MaxShrinkShare</c> of the facts the school's earlier exports hold for
/// its dates is held back: a transfer cut off on its way looks exactly like that. The analyst may confirm it
/// (<c>--allow-shrink</c>, or the profile's AllowShrink).
/// </summary>
internal static class ShrinkCheck
{
    public static bool HoldsBack(Shrink shrink, double maxShrinkShare, bool allowShrink) => shrink.Share > maxShrinkShare && !allowShrink;

    /// <param name="strayNote">The sentence that names stray rows of another week behind the loss, or empty.</param>
    public static Rejection HeldBack(string fileName, string school, Shrink shrink, double maxShrinkShare, RowsRead read, string strayNote)
    {
        var message =
            $"{fileName}: held back, nothing imported: it would remove {shrink.Days:N0} of the {shrink.Before:N0} facts (pupil school days) " +
            $"the school's earlier exports hold for its dates ({shrink.Share:P1}, the limit is {maxShrinkShare:P1}): " +
            $"{shrink.Pupils:N0} pupils would lose days{(shrink.PupilsGone > 0 ? $", {shrink.PupilsGone:N0} of them every day" : "")}. " +
            "A file cut off on its way here looks exactly like this. If the school really did remove them, import it with " +
            $"`skolnarvaro import --school {school} --allow-shrink {fileName}`.{strayNote}";
        return new Rejection(message, [])
        {
            RowsRead = read.Rows, ProblemCount = read.ProblemCount, ProtectedCount = read.ProtectedCount, Lines = read.Lines, HeldBack = true,
        };
    }
}
