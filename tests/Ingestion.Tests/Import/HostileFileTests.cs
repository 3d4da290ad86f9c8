using System.Text;
using Skolnarvaro.Ingestion.DataQuality;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.Ingestion.Quarantine;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Import;

/// <summary>
/// Issue 13: the hostile files made from the sample's own exports (Data/hostile/make.py), one test per finding. Each
/// file is either rejected whole with file and line, or imported with every line accounted for; never a crash, never
/// a pupil's facts silently lost.
/// </summary>
public sealed class HostileFileTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("hostile");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    private static string Hostile(string file) => ImportHarness.Data("hostile", file);

    // Finding 1 -------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_truncated_lessons_export_is_held_back_instead_of_deleting_other_pupils_facts()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);
        (await import.ImportAsync(Hostile("lessons_week.csv"))).Status.Should().Be(ImportStatus.Imported);
        var before = await import.FactsAsync();

        var result = await import.ImportAsync(Hostile("lessons_week_truncated_at_line_end.csv"));

        result.Status.Should().Be(ImportStatus.Rejected);
        result.HeldBack.Should().BeTrue();
        result.Message.Should().StartWith("lessons_week_truncated_at_line_end.csv: held back, nothing imported: it would remove ")
            .And.MatchRegex(@"\d+ pupils would lose days").And.Contain("--allow-shrink");
        (await import.FactsAsync()).Should().Equal(before, "a held-back file changes nothing");
        (await import.ScalarAsync<bool>("select held_back from import_file where id = @id", ("id", result.ImportFileId!.Value))).Should().BeTrue();
    }

    [Fact]
    public async Task A_truncated_days_export_is_held_back_and_allow_shrink_takes_it()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        await import.ImportAsync(Hostile("days_week.csv"));
        var before = (await import.FactsAsync()).Count;

        var held = await import.ImportAsync(Hostile("days_week_truncated_at_line_end.csv"));
        var taken = await import.ImportAsync(Hostile("days_week_truncated_at_line_end.csv"), allowShrink: true);

        held.HeldBack.Should().BeTrue(held.Message);
        taken.Status.Should().Be(ImportStatus.Imported, taken.Message);
        (await import.FactsAsync()).Count.Should().Be(99).And.BeLessThan(before, "the analyst confirmed the shrink");
    }

    [Fact]
    public async Task A_stray_row_of_another_week_holds_the_file_back_naming_its_line_column_and_value()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        await import.ImportAsync(Hostile("days_week.csv"));
        var before = await import.FactsAsync();

        var result = await import.ImportAsync(Hostile("days_next_week_with_a_stray_row_of_the_week_before.csv"));

        result.HeldBack.Should().BeTrue(result.Message);
        result.Message.Should().StartWith("days_next_week_with_a_stray_row_of_the_week_before.csv: held back, nothing imported: it would remove 39 of the 40 facts")
            .And.EndWith(" 39 of these facts are on the dates of 1 stray row of another week than the rest of the file (2026-11-23 to 2026-11-27): " +
                         "line 79, column 'Datum', value '2026-11-18'. Expected a date in the file's own weeks: a stray row makes the file cover its " +
                         "date for every pupil; correct its date or remove it, and send the file again.");
        (await import.FactsAsync()).Should().Equal(before, "a held-back file changes nothing");
    }

    [Fact]
    public async Task A_file_held_back_without_stray_rows_names_none()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        await import.ImportAsync(Hostile("days_week.csv"));

        var result = await import.ImportAsync(Hostile("days_week_truncated_at_line_end.csv"));

        result.HeldBack.Should().BeTrue(result.Message);
        result.Message.Should().NotContain("stray").And.EndWith("--allow-shrink days_week_truncated_at_line_end.csv`.");
    }

    [Fact]
    public async Task A_last_line_cut_off_in_the_middle_of_a_record_rejects_the_file_as_truncated()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);

        var result = await import.ImportAsync(Hostile("lessons_week_truncated_mid_record.csv"));

        result.Status.Should().Be(ImportStatus.Rejected);
        result.HeldBack.Should().BeFalse();
        result.Message.Should().Be("lessons_week_truncated_mid_record.csv: rejected, nothing imported: line 301: the last line ends in the middle " +
            "of a record, without a line break: the file was cut off (truncated) on its way here; send the whole export again.");
        (await import.CountAsync("select count(*) from attendance_fact")).Should().Be(0);
    }

    [Fact]
    public async Task In_the_nightly_inbox_a_held_back_file_is_reported_and_the_school_goes_on()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        File.Copy(Hostile("days_week.csv"), temp.File("inbox", "days_1.csv"));
        File.Copy(Hostile("days_week_truncated_at_line_end.csv"), temp.File("inbox", "days_2.csv"));

        var results = await import.Get<InboxImporter>().ImportInboxAsync(import.School);

        results.Select(r => (r.Status, r.HeldBack)).Should().Equal((ImportStatus.Imported, false), (ImportStatus.Rejected, true));
        (await import.CountAsync("select count(*) from import_file where status = 'Rejected' and held_back")).Should().Be(1);
    }

    // Finding 2 -------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_stray_quote_that_swallows_forty_lines_rejects_the_file_naming_the_line_it_opened_on()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);
        await import.ImportAsync(Hostile("lessons_week.csv"));
        var before = await import.FactsAsync();

        var result = await import.ImportAsync(Hostile("lessons_week_stray_quote_swallows_lines.csv"));

        result.Status.Should().Be(ImportStatus.Rejected);
        result.Message.Should().StartWith("lessons_week_stray_quote_swallows_lines.csv: rejected, nothing imported: line 12: a quote opens field")
            .And.Contain("closes on line 52, so the 40 lines between read as one field");
        (await import.FactsAsync()).Should().Equal(before);
    }

    [Fact]
    public async Task A_row_with_more_fields_than_the_header_and_a_line_break_in_a_date_are_problem_rows_and_every_line_is_accounted_for()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault, maxBadRowShare: 0.1);

        var result = await import.ImportAsync(Hostile("days_extra_fields_and_line_break_in_a_date.csv"));

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Select(q => (q.Line, q.Column, q.Reason)).Should().Equal(
            (11, null, "the row has 10 fields, the header 8: a separator or quote too many"),
            (21, "Datum", "a line break inside a value of a column that never holds one"));
        // 44 lines: header, 38 rows imported, the bad ones (one of them two lines) and two trailing empty lines.
        result.Lines!.ToString().Should().Be("44 lines = 38 imported + 3 quarantined + 0 protected identity + 2 blank + 1 header");
        result.Message.Should().EndWith("Lines: 44 lines = 38 imported + 3 quarantined + 0 protected identity + 2 blank + 1 header.");
        (await import.ScalarAsync<int>(
            "select lines_total - lines_imported - lines_quarantined - lines_protected - lines_blank - lines_header from import_file")).Should().Be(0);
        (await import.ScalarAsync<int>("select lines_total from import_file")).Should().Be(44);
    }

    // Finding 3 -------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_NUL_byte_in_a_name_quarantines_the_row_instead_of_crashing_the_import()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);

        var result = await import.ImportAsync(Hostile("lessons_week_nul_in_name.csv"));

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        // The sample's own bad date (line 246) is quarantined too.
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().ContainSingle(q => q.Reason.Contains("NUL"))
            .Which.Should().BeEquivalentTo(new { Line = 24, Column = "Förnamn", Reason = "the value holds a NUL byte (0x00), which no text may hold" });
        (await import.PupilsAsync()).Should().NotContain(p => p.FirstName.Contains('\0'));
    }

    [Fact]
    public async Task More_than_255_subjects_at_one_school_quarantines_the_rows_beyond_instead_of_crashing()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);

        var result = await import.ImportAsync(Hostile("lessons_260_subjects.csv"));

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().HaveCount(5)
            .And.OnlyContain(q => q.Reason.StartsWith("one subject more than the 255", StringComparison.Ordinal));
        (await import.CountAsync("select count(*) from school_subject")).Should().Be(255);
    }

    [Fact]
    public async Task Summary_hours_that_overflow_an_int_quarantine_the_row_instead_of_crashing()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.SummaryDefault);

        var result = await import.ImportAsync(Hostile("summary_hours_overflow_int.csv"));

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { Line = 6, Column = "Schemalagd tid (h)", Value = "99999999999,00" });
    }

    [Fact]
    public async Task A_crashed_import_leaves_a_trace_on_import_file()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var crash = () => import.ImportAsync(temp.File("gone-before-it-was-read.csv"));

        await crash.Should().ThrowAsync<FileNotFoundException>();
        (await import.ScalarAsync<string>("select status || ': ' || message from import_file"))
            .Should().StartWith("Failed: gone-before-it-was-read.csv: the import failed, nothing imported: Could not find file");
    }

    // Finding 4 -------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Implausible_dates_and_minutes_are_quarantined_with_their_reason_and_never_stored()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault, maxBadRowShare: 0.5);

        var result = await import.ImportAsync(Hostile("days_implausible_dates_and_minutes.csv"));

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Select(q => (q.Line, q.Column, q.Reason)).Should().Equal(
            (42, "Datum", "the date is outside the school years being imported (from 2025-08-01; Skolnarvaro:Plausibility:SchoolYearsBack)"),
            (43, "Datum", $"the date is after today ({DateOnly.FromDateTime(DateTime.Now):yyyy-MM-dd})"),
            (44, "Datum", "scheduled time on a Saturday"),
            (45, "Datum", "scheduled time on a non-school day (Skolnarvaro:Plausibility:NonSchoolDays)"),
            (46, "Datum", "scheduled time on a non-school day (Skolnarvaro:Plausibility:NonSchoolDays)"),
            (47, "Schemalagd tid (min)", "more than 600 minutes scheduled in one day (Skolnarvaro:Plausibility:MaxMinutesPerDay)"),
            (48, "Schemalagd tid (min)", "more than 600 minutes scheduled in one day (Skolnarvaro:Plausibility:MaxMinutesPerDay)"),
            (49, "Schemalagd tid (min)", "absence is larger than the scheduled time"));
        (await import.ScalarAsync<DateOnly>("select max(date) from attendance_fact")).Should().Be(new DateOnly(2026, 11, 20));
        (await import.ScalarAsync<DateOnly>("select min(date) from attendance_fact")).Should().Be(new DateOnly(2026, 11, 16));
        (await import.ScalarAsync<int>("select max(scheduled_min) from attendance_fact")).Should().BeLessThanOrEqualTo(600);
    }

    // Finding 5 -------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Windows_1252_bytes_under_a_utf8_profile_reject_the_file_with_line_byte_and_the_fix()
    {
        var overrides = new ExportProfileSettings
        {
            Columns = new() { ["ExcusedMinutes"] = "Giltig franvaro (min)", ["UnexcusedMinutes"] = "Ogiltig franvaro (min)" },
        };
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault, overrides);
        var bytes = await File.ReadAllBytesAsync(Hostile("days_windows1252_bytes_under_utf8_profile.csv"));
        var firstBad = Array.FindIndex(bytes, b => b >= 0x80);
        var line = bytes.Take(firstBad).Count(b => b == '\n') + 1;

        var result = await import.ImportAsync(Hostile("days_windows1252_bytes_under_utf8_profile.csv"));

        result.Status.Should().Be(ImportStatus.Rejected);
        result.Message.Should().Be($"days_windows1252_bytes_under_utf8_profile.csv: rejected, nothing imported: line {line}, byte {firstBad}: " +
            "not valid UTF-8, the encoding of profile 'days-default'; it looks like Windows-1252: set Encoding in the school's ProfileOverrides " +
            "(\"Encoding\": \"windows-1252\")");
        (await import.CountAsync("select count(*) from pupil where first_name || last_name like '%' || chr(65533) || '%'")).Should().Be(0);
        (await import.CountAsync("select count(*) from attendance_fact")).Should().Be(0);
    }

    [Fact]
    public async Task The_same_file_with_its_encoding_set_in_the_overrides_keeps_its_Swedish_names()
    {
        var overrides = new ExportProfileSettings
        {
            Encoding = "windows-1252",
            Columns = new() { ["ExcusedMinutes"] = "Giltig franvaro (min)", ["UnexcusedMinutes"] = "Ogiltig franvaro (min)" },
        };
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault, overrides);

        var result = await import.ImportAsync(Hostile("days_windows1252_bytes_under_utf8_profile.csv"));

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        (await import.PupilsAsync()).Should().Contain(p => p.LastName == "Bergström");
    }

    // Finding 6 -------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task One_personnummer_under_another_name_is_reported_in_the_quarantine_listing()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        await import.ImportAsync(Hostile("days_week.csv"));

        var result = await import.ImportAsync(Hostile("days_week_same_personnummer_other_name.csv"));

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Message.Should().Contain("1 pupils have another name here than stored");
        var conflict = (await import.Get<QuarantineStore>().IdentityConflictsAsync(ImportHarness.Skolenhetskod)).Should().ContainSingle().Subject;
        conflict.Should().BeEquivalentTo(new { FileName = "days_week_same_personnummer_other_name.csv", Line = 2, NameInFile = "Helt Annan",
            StoredName = "Johan Ahmed", StoredSchool = ImportHarness.Skolenhetskod });
        (await import.Get<DataQualityStore>().ForSchoolAsync(ImportHarness.Skolenhetskod, DateOnly.FromDateTime(DateTime.Now), 3, 20))
            .IdentityConflictsLast30Days.Should().Be(1, "the analysts' data quality counts it");
    }

    [Fact]
    public async Task The_quarantine_csv_for_the_export_administrator_counts_rows_by_reason_with_their_first_lines()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault, maxBadRowShare: 0.5);
        await import.ImportAsync(Hostile("days_implausible_dates_and_minutes.csv"));
        var path = temp.File("out", "karantan.csv");

        var reasons = await import.Get<QuarantineStore>().WriteReasonsCsvAsync(ImportHarness.Skolenhetskod, path);

        reasons.Should().Be(6);
        var lines = (await File.ReadAllLinesAsync(path, Encoding.UTF8)).ToList();
        lines[0].Should().Be("fil;mottagen;status;kolumn;orsak;antal_rader;forsta_raderna");
        lines.Should().Contain(l => l.EndsWith(";Datum;scheduled time on a non-school day (Skolnarvaro:Plausibility:NonSchoolDays);2;45, 46",
            StringComparison.Ordinal));
    }
}
