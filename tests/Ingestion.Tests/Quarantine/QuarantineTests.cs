using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.Ingestion.Quarantine;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Quarantine;

/// <summary>
/// Bad rows of an otherwise good file go to quarantine with the line, column, (masked) value and a reason a school
/// administrator can act on; the good rows land. The limit is raised here so that these small files are not rejected.
/// </summary>
public sealed class QuarantineTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("quarantine");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    private static readonly DateOnly Sep14 = new(2026, 9, 14);
    private static readonly DateOnly Sep15 = new(2026, 9, 15);

    [Fact]
    public async Task An_unknown_status_code_is_quarantined_with_the_codes_the_profile_knows()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault, maxBadRowShare: 0.5);

        var result = await import.ImportAsync("lessons_unknown_status_code.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Should().BeEquivalentTo(new { RowsRead = 3, RowsImported = 2, RowsQuarantined = 1 });
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().Equal(
            new StoredQuarantinedRow(3, "Status", "Q", "unknown status code; expected one of N, G, O, S, E"));
        var sep17 = new DateOnly(2026, 9, 17);
        (await import.FactsAsync()).Select(f => (f.Pupil, f.Date, f.Scheduled)).Should().Equal(
            ("Märta Östlund", sep17, 60),
            ("Åke Ärlig", sep17, 60));
    }

    [Fact]
    public async Task An_impossible_or_misformatted_date_is_quarantined_with_the_expected_format()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault, maxBadRowShare: 0.5);

        var result = await import.ImportAsync("days_bad_date.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().Equal(
            new StoredQuarantinedRow(3, "Datum", "2026-09-31", "not a date; expected yyyy-MM-dd"),
            new StoredQuarantinedRow(4, "Datum", "14/09/2026", "not a date; expected yyyy-MM-dd"),
            new StoredQuarantinedRow(7, "Datum", "2026-9-14", "not a date; expected yyyy-MM-dd"));
        (await import.FactsAsync()).Select(f => (f.Pupil, f.Date)).Should().Equal(
            ("Märta Östlund", Sep14), ("Märta Östlund", Sep15), ("Åke Ärlig", Sep15));
    }

    [Fact]
    public async Task A_duplicate_row_is_quarantined_and_the_first_one_kept()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault, maxBadRowShare: 0.5);

        var result = await import.ImportAsync("days_duplicate_rows.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Should().BeEquivalentTo(new { RowsRead = 4, RowsImported = 3, RowsQuarantined = 1, FactsWritten = 3 });
        // Line 4 is the same pupil (written without the century) on the same day as line 2.
        var duplicate = (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().ContainSingle().Subject;
        duplicate.Should().BeEquivalentTo(new { Line = 4, Column = (string?)null, Value = (string?)null });
        duplicate.Reason.Should().StartWith("duplicate row:").And.Contain("same pupil and day").And.Contain("kept");
        (await import.FactsAsync()).Select(f => (f.Pupil, f.Date, f.Unexcused)).Should().Equal(
            ("Märta Östlund", Sep14, 0), ("Märta Östlund", Sep15, 60), ("Åke Ärlig", Sep14, 0));
    }

    [Fact]
    public async Task An_invalid_personnummer_is_quarantined_masked_and_its_pupil_is_not_stored()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault, maxBadRowShare: 0.5);

        var result = await import.ImportAsync("days_invalid_luhn.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().Equal(
            new StoredQuarantinedRow(3, "Personnummer", "20130417-****", "invalid personnummer: check digit does not match (Luhn)"));
        (await import.PupilsAsync()).Select(p => p.FirstName).Should().Equal("Märta", "Åke");
    }

    [Fact]
    public async Task A_pupil_whose_every_row_is_quarantined_is_not_stored()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault, maxBadRowShare: 0.5);

        // Öjvind's only row (line 7) has a date without zero padding.
        var result = await import.ImportAsync("days_bad_date.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        (await import.PupilsAsync()).Select(p => p.FirstName).Should().Equal("Märta", "Åke");
        (await import.CountAsync("select count(*) from enrolment where first_date > last_date or not isfinite(first_date) or not isfinite(last_date)"))
            .Should().Be(0, "an enrolment needs a real first and last date");
    }

    [Fact]
    public async Task The_quarantine_store_lists_each_bad_row_with_its_file()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault, maxBadRowShare: 0.5);
        var result = await import.ImportAsync("days_bad_date.csv");

        var rows = await import.Get<QuarantineStore>().ListAsync(ImportHarness.Skolenhetskod);

        rows.Should().HaveCount(3).And.OnlyContain(r => r.FileName == "days_bad_date.csv" && r.FileStatus == "Imported" && r.ImportFileId == result.ImportFileId);
        rows.Select(r => r.Line).Should().Equal(3, 4, 7);
    }
}
