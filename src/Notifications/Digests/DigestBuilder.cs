using System.Globalization;
using Skolnarvaro.Notifications.Recipients;

namespace Skolnarvaro.Notifications.Digests;

/// <summary>Turns a school's new, escalated and reminded flags into the model a digest template renders.</summary>
public static class DigestBuilder
{
    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");

    public static DigestModel Build(
        SchoolRecipients school, DateOnly runDate, IEnumerable<FlaggedPupil> flagged, IReadOnlyList<string> caveats, NameDisplay names)
    {
        var all = flagged.ToList();
        var pupils = all
            .OrderByDescending(p => LevelRank(p.LevelCode))
            .ThenBy(p => p.ClassName, StringComparer.Ordinal)
            .ThenBy(p => p.FirstName, StringComparer.Ordinal)
            .ThenBy(p => Convert.ToHexString(p.PupilKey), StringComparer.Ordinal)
            .Select(p => new DigestPupil(
                DisplayName(p, names), p.ClassName, LevelLabel(p.LevelCode), p.LevelCode, ChangeLabel(p.ChangeCode),
                Date(p.Since), p.Descriptions))
            .ToList();

        return new DigestModel(
            new DigestSchool(school.Skolenhetskod, school.Name, school.Huvudman, string.Join(", ", school.Rectors.Select(r => r.Name))),
            Date(runDate), pupils, caveats,
            pupils.Count(p => p.LevelCode == "High"), pupils.Count(p => p.LevelCode == "AtRisk"), pupils.Count(p => p.LevelCode == "Trend"),
            all.Count(p => p.ChangeCode == "New"), all.Count(p => p.ChangeCode == "Escalated"),
            all.Count(p => p.ChangeCode is not ("New" or "Escalated")));
    }

    public static string Date(DateOnly date) => date.ToString("d MMMM yyyy", Sv);

    private static string DisplayName(FlaggedPupil p, NameDisplay names) => names switch
    {
        NameDisplay.Full => $"{p.FirstName} {p.LastName}".Trim(),
        NameDisplay.FirstNameInitialClass => p.LastName.Length > 0 ? $"{p.FirstName} {p.LastName[0]}." : p.FirstName,
        _ => $"Elev (ref. {Convert.ToHexString(p.PupilKey, 0, 3)})",
    };

    private static int LevelRank(string level) => level switch { "High" => 3, "AtRisk" => 2, _ => 1 };

    private static string LevelLabel(string level) => level switch
    {
        "High" => "Hög frånvaro",
        "AtRisk" => "Riskfrånvaro",
        "Trend" => "Stigande frånvaro",
        _ => level,
    };

    private static string ChangeLabel(string change) => change switch
    {
        "New" => "Ny",
        "Escalated" => "Har ökat",
        _ => "Påminnelse",
    };
}
