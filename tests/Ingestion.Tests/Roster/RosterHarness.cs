using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.Ingestion.Roster;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Roster;

/// <summary>
/// A school whose exports have the classes 7A, 7B and 8A (Data/roster/days_three_classes.csv, week 37 of 2026), and its
/// rosters put in its inbox and imported with the real <see cref="RosterImporter"/>.
/// </summary>
internal sealed class RosterHarness(ImportHarness import, TempDirectory temp) : IDisposable
{
    public static readonly DateOnly Night = new(2026, 9, 14);

    public static async Task<RosterHarness> StartAsync(TestDatabase db, TempDirectory temp, IReadOnlyDictionary<string, string?>? configuration = null)
    {
        var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault, configuration: configuration);
        var days = await import.ImportAsync(Data("days_three_classes.csv"));
        days.Status.Should().Be(ImportStatus.Imported, days.Message);
        return new RosterHarness(import, temp);
    }

    public static string Data(string file) => ImportHarness.Data("roster", file);

    public ImportHarness Import => import;

    public ClassMentors Mentors => import.Get<ClassMentors>();

    /// <summary>Copies a roster of Data/roster into the school's inbox under its own name and imports it for the night.</summary>
    public Task<RosterImportResult> ImportAsync(string dataFile, DateOnly? night = null)
    {
        var inInbox = InInbox(dataFile);
        return import.Get<RosterImporter>().ImportAsync(import.School, inInbox, night ?? Night);
    }

    /// <summary>Copies a roster of Data/roster into the inbox, as the school's system would put it there.</summary>
    public string InInbox(string dataFile, string? name = null)
    {
        var path = temp.File("inbox", name ?? dataFile);
        File.Copy(Data(dataFile), path, overwrite: true);
        return path;
    }

    /// <summary>Every mentor row ever stored, as text that shows its range: "7A Åsa Öberg asa.oberg@… 2026-09-14..".</summary>
    public async Task<IReadOnlyList<string>> StoredAsync()
    {
        await using var cmd = import.DataSource.CreateCommand("""
            select class_name || ' ' || mentor_name || ' ' || email || ' ' || valid_from || '..' || coalesce(valid_until::text, '')
            from class_mentor order by id
            """);
        var rows = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            rows.Add(r.GetString(0));
        }

        return rows;
    }

    public void Dispose() => import.Dispose();
}
