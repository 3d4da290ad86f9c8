using System.Text;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Parsing;

/// <summary>
/// Awkward but legitimate exports, one file per oddity in Data/: each lands exactly the facts and pupils it holds.
/// </summary>
public sealed class ExportOdditiesTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("oddities");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    private static readonly DateOnly Sep14 = new(2026, 9, 14);
    private static readonly DateOnly Sep15 = new(2026, 9, 15);

    [Fact]
    public async Task A_UTF8_byte_order_mark_does_not_hide_the_first_column()
    {
        File.ReadAllBytes(ImportHarness.Data("lessons_utf8_bom.csv"))[..3].Should().Equal([0xEF, 0xBB, 0xBF], "the fixture must start with a BOM");
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);

        var result = await import.ImportAsync("lessons_utf8_bom.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.RowsRead.Should().Be(5);
        result.RowsQuarantined.Should().Be(0);
        (await FactsAsync(import)).Should().Equal(
            // 60 present + 60 unexcused + 40 with 10 minutes late.
            new StoredFact("Märta Östlund", Sep14, 160, 0, 60, 10, 0, 0),
            // 60 with 20 minutes excused + 60 not reported.
            new StoredFact("Åke Ärlig", Sep14, 120, 20, 0, 0, 60, 0));
    }

    [Fact]
    public async Task A_Windows_1252_export_keeps_Swedish_letters_in_names()
    {
        var bytes = File.ReadAllBytes(ImportHarness.Data("lessons_windows1252_swedish_names.csv"));
        FluentActions.Invoking(() => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes))
            .Should().Throw<DecoderFallbackException>("the fixture must really be Windows-1252, not UTF-8");
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault, new ExportProfileSettings { Encoding = "windows-1252" });

        var result = await import.ImportAsync("lessons_windows1252_swedish_names.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.RowsQuarantined.Should().Be(0);
        (await import.PupilsAsync()).Select(p => (p.FirstName, p.LastName, p.ClassName)).Should().Equal(
            ("Märta", "Östlund", "7B"),
            // ’ is 0x92, which only Windows-1252 (not ISO-8859-1) decodes to a quotation mark.
            ("Saga", "Ståhl-O’Neill", "6C"),
            ("Åke", "Ärlig", "7B"),
            ("Öjvind", "Åström", "8A"));
        var sep15 = Sep15;
        (await FactsAsync(import)).Should().Equal(
            new StoredFact("Märta Östlund", sep15, 60, 60, 0, 0, 0, 0),
            new StoredFact("Saga Ståhl-O’Neill", sep15, 45, 0, 15, 0, 0, 0),
            new StoredFact("Åke Ärlig", sep15, 60, 0, 0, 5, 0, 0),
            new StoredFact("Öjvind Åström", sep15, 60, 0, 0, 0, 0, 0));
    }

    [Fact]
    public async Task CRLF_line_endings_do_not_leak_into_the_last_column()
    {
        File.ReadAllText(ImportHarness.Data("days_crlf.csv")).Should().Contain("\r\n");
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var result = await import.ImportAsync("days_crlf.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.RowsQuarantined.Should().Be(0, "a CR left on 'Sen ankomst (min)' would make it unreadable");
        (await FactsAsync(import)).Should().Equal(
            new StoredFact("Märta Östlund", Sep14, 300, 0, 30, 5, 0, 0),
            new StoredFact("Märta Östlund", Sep15, 300, 60, 0, 0, 0, 0),
            new StoredFact("Åke Ärlig", Sep14, 300, 0, 0, 0, 0, 0),
            new StoredFact("Åke Ärlig", Sep15, 300, 0, 0, 12, 0, 0));
        (await import.PupilsAsync()).Select(p => p.ClassName).Should().OnlyContain(c => c == "7B");
    }

    [Fact]
    public async Task Quoted_delimiters_and_line_breaks_stay_inside_their_field_and_later_lines_keep_their_number()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault, maxBadRowShare: 0.5);

        var result = await import.ImportAsync("lessons_quoted_delimiter_and_newline.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.RowsRead.Should().Be(3);
        (await import.PupilsAsync()).Select(p => (p.FirstName, p.LastName)).Should().Equal(("Märta", "Östlund"), ("Åke", "Ärlig; von Berg"));
        var sep16 = new DateOnly(2026, 9, 16);
        (await FactsAsync(import)).Should().Equal(
            new StoredFact("Märta Östlund", sep16, 60, 0, 0, 0, 0, 0),
            new StoredFact("Åke Ärlig; von Berg", sep16, 60, 0, 60, 0, 0, 0));
        // The third record starts on line 5: the header is line 1 and the second record spans lines 3 and 4.
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { Line = 5, Column = "Status", Value = "X" });
    }

    [Fact]
    public async Task Lessons_listed_by_time_rather_than_pupil_by_pupil_add_up_per_pupil_and_day()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);

        var result = await import.ImportAsync("lessons_sorted_by_time.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Should().BeEquivalentTo(new { RowsRead = 5, RowsQuarantined = 0, FactsWritten = 3 });
        (await FactsAsync(import)).Should().Equal(
            new StoredFact("Märta Östlund", new DateOnly(2026, 9, 18), 120, 60, 0, 0, 0, 0),
            new StoredFact("Märta Östlund", new DateOnly(2026, 9, 21), 40, 0, 0, 5, 0, 0),
            new StoredFact("Åke Ärlig", new DateOnly(2026, 9, 18), 120, 0, 60, 0, 60, 0));
        // The reporting rate: 5 lessons scheduled, 4 with attendance registered (E is "ej rapporterad").
        (await import.CountAsync("select lessons_scheduled from import_file")).Should().Be(5);
        (await import.CountAsync("select lessons_registered from import_file")).Should().Be(4);
    }

    [Fact]
    public async Task Trailing_empty_lines_are_not_rows()
    {
        File.ReadAllText(ImportHarness.Data("days_trailing_empty_lines.csv")).Should().EndWith("\n\n\n\n");
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var result = await import.ImportAsync("days_trailing_empty_lines.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Should().BeEquivalentTo(new { RowsRead = 2, RowsImported = 2, RowsQuarantined = 0, RowsProtected = 0, FactsWritten = 2 });
    }

    [Fact]
    public async Task Lines_of_only_separators_are_not_rows_nor_protected_pupils()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var result = await import.ImportAsync("days_separator_only_lines.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Should().BeEquivalentTo(new { RowsRead = 2, RowsImported = 2, RowsQuarantined = 0, RowsProtected = 0, FactsWritten = 2 });
    }

    [Fact]
    public async Task Summary_hours_with_a_decimal_comma_become_whole_minutes()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.SummaryDefault);

        var result = await import.ImportAsync("summary_decimal_comma.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.RowsQuarantined.Should().Be(0);
        (await import.CountAsync("select scheduled_min from summary_snapshot")).Should().Be(1530); // 25,5 h
        (await import.CountAsync("select excused_min from summary_snapshot")).Should().Be(105);    // 1,75 h
        (await import.CountAsync("select unexcused_min from summary_snapshot")).Should().Be(90);   // 1,5 h
        // The first snapshot of the term is spread over its five weekdays, 17–21 August.
        (await FactsAsync(import)).Should().Equal(
            Enumerable.Range(17, 5).Select(d => new StoredFact("Märta Östlund", new DateOnly(2026, 8, d), 306, 21, 18, 0, 0, 0)));
    }

    [Fact]
    public async Task An_extra_column_is_ignored()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var result = await import.ImportAsync("days_extra_column.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.RowsQuarantined.Should().Be(0);
        (await FactsAsync(import)).Should().Equal(new StoredFact("Märta Östlund", Sep14, 300, 0, 45, 0, 0, 0));
        (await import.PupilsAsync()).Should().ContainSingle().Which.ClassName.Should().Be("7B");
    }

    [Fact]
    public async Task A_personnummer_with_or_without_century_and_dash_is_one_pupil()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var result = await import.ImportAsync("days_personnummer_formats.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.RowsQuarantined.Should().Be(0);
        (await import.PupilsAsync()).Should().Equal(new StoredPupil("Märta", "Östlund", 'F', 2013, "7B", 7));
        (await FactsAsync(import)).Select(f => f.Date.Day).Should().Equal(14, 15, 16, 17);
    }

    [Fact]
    public async Task A_samordningsnummer_is_a_pupil_like_any_other()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var result = await import.ImportAsync("days_samordningsnummer.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.RowsQuarantined.Should().Be(0);
        (await import.PupilsAsync()).Should().Equal(new StoredPupil("Ali", "Haddad", 'M', 2013, "7A", 7));
        (await FactsAsync(import)).Should().Equal(
            new StoredFact("Ali Haddad", Sep14, 300, 0, 0, 0, 0, 0),
            new StoredFact("Ali Haddad", Sep15, 300, 0, 90, 0, 0, 0));
    }

    private static async Task<IReadOnlyList<StoredFact>> FactsAsync(ImportHarness import) =>
        (await import.FactsAsync()).Select(f => f with { ImportFileId = 0 }).ToList();
}
