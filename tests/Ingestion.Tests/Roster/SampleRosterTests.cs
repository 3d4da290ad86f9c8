using Microsoft.Extensions.DependencyInjection;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Roster;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Roster;

/// <summary>The bundled sample's rosters, read by the nightly run's import step after each school's exports.</summary>
public sealed class SampleRosterTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly DateOnly SampleNight = new(2026, 11, 20);

    [Fact]
    public async Task Every_sample_school_s_roster_imports_cleanly_and_gives_every_class_of_its_exports_a_mentor()
    {
        using var host = IngestionHost.Start(db, TestFiles.InRepo("sample-data", "schools.json"));
        var imports = host.GetRequiredService<SchoolImports>();
        var mentors = host.GetRequiredService<ClassMentors>();

        foreach (var school in imports.Schools)
        {
            var imported = await imports.ImportAsync(school.Skolenhetskod, runId: null, SampleNight, reportingWindowDays: 20);

            imported.Roster.Should().NotBeNull($"{school.Name} has a roster in its inbox");
            imported.Roster!.Status.Should().Be(RosterImportStatus.Imported, imported.Roster.Message);
            imported.Files.Should().NotContain(f => RosterFiles.IsRoster(f.File), "a roster is not an export");
            imported.Roster.Mentors.Should().Be(RosterRows(school.Skolenhetskod), "no row of the sample's roster repeats another");
            (await mentors.WithoutMentorAsync(school.Skolenhetskod, SampleNight)).Should().BeEmpty($"{school.Name}'s roster covers every class");
            (await mentors.OfSchoolAsync(school.Skolenhetskod, SampleNight)).Should().NotBeEmpty();
        }
    }

    private static int RosterRows(string school) =>
        File.ReadLines(TestFiles.InRepo("sample-data", "inbox", school, "mentorer.csv")).Skip(1).Count(l => l.Length > 0);
}
