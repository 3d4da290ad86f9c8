namespace Skolnarvaro.Ingestion.Roster;

/// <summary>
/// Where a school's roster is: in its inbox beside the exports, as a file whose name starts with <c>mentorer</c>
/// (<c>mentorer.csv</c>, <c>mentorer_2026-08-17.csv</c>). Each file is a whole roster, so only the newest name counts.
/// </summary>
public static class RosterFiles
{
    public const string Prefix = "mentorer";

    private static readonly string[] Extensions = [".csv", ".txt"];

    /// <summary>Whether a file in an inbox is a roster rather than an attendance export.</summary>
    public static bool IsRoster(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
               && Extensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The roster files in the folder, oldest name first; the last is the one that counts.</summary>
    public static IReadOnlyList<string> In(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).Where(IsRoster).Order(StringComparer.Ordinal).ToList()
            : [];
}
