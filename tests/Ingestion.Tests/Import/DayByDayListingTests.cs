using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Import;

/// <summary>
/// Exports listed day by day meet each pupil again every few rows: the pupil is found again by the personnummer as
/// written, with the same checks as when it is parsed anew.
/// </summary>
public sealed class DayByDayListingTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("day-by-day");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Lessons_listed_day_by_day_are_added_up_per_pupil_and_day_in_one_reading()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);

        var result = await import.ImportAsync("lessons_listed_day_by_day.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Should().BeEquivalentTo(new { RowsRead = 7, RowsQuarantined = 0, FactsWritten = 4 });
        // One reading: each pupil's lessons of a day are together, so the file never needs staging.
        result.Phases!.All.Select(p => p.Name).Should().NotContain(n => n.Contains("abandoned"));
        // 201304172321 is Märta's personnummer written without its dash: the same pupil, the same day.
        (await import.FactsAsync()).Select(f => (f.Pupil, f.Date, f.Scheduled, f.Excused, f.Unexcused, f.Late)).Should().Equal(
            ("Märta Östlund", new DateOnly(2026, 9, 18), 120, 60, 0, 0),
            ("Märta Östlund", new DateOnly(2026, 9, 21), 120, 0, 0, 5),
            ("Åke Ärlig", new DateOnly(2026, 9, 18), 120, 0, 60, 0),
            ("Åke Ärlig", new DateOnly(2026, 9, 21), 60, 0, 0, 0));
        (await import.PupilsAsync()).Should().HaveCount(2);
    }

    [Fact]
    public async Task A_pupil_met_again_under_another_name_is_quarantined_as_before()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault, maxBadRowShare: 0.5);

        var result = await import.ImportAsync("lessons_same_personnummer_other_name.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Should().BeEquivalentTo(new { RowsRead = 4, RowsQuarantined = 1, FactsWritten = 3 });
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { Line = 4, Reason = "the same personnummer as an earlier row of this file, with another name" });
        (await import.PupilsAsync()).Select(p => (p.FirstName, p.LastName)).Should().Equal(("Märta", "Östlund"), ("Åke", "Ärlig"));
    }

    [Fact]
    public async Task An_import_says_where_its_time_went()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);

        var result = await import.ImportAsync("lessons_listed_day_by_day.csv");

        result.Phases!.All.Select(p => p.Name).Should().Contain(["scan", "parsing (busy)", "parse and COPY", "merge pupils", "commit"]);
        result.Phases.ToString().Should().MatchRegex(@"^scan \d+\.\d\d s, ");
    }
}
