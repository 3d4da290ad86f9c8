using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Import;

/// <summary>All or nothing: a file that cannot be trusted is rejected whole, says why, and leaves no facts behind.</summary>
public sealed class RejectionTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("rejection");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_file_over_the_bad_row_limit_is_rejected_whole_and_nothing_lands()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var result = await import.ImportAsync("days_over_bad_row_limit.csv");

        result.Status.Should().Be(ImportStatus.Rejected);
        result.Should().BeEquivalentTo(new { RowsRead = 10, RowsImported = 0, RowsQuarantined = 2, FactsWritten = 0 });
        result.Message.Should().StartWith("days_over_bad_row_limit.csv: rejected, nothing imported: 2 of 10 rows")
            .And.Contain("First: line 4, column 'Datum', value '2026-02-30': not a date; expected yyyy-MM-dd");
        await NothingLandedAsync(import);
        (await import.ScalarAsync<string>("select status from import_file where id = @id", ("id", result.ImportFileId!.Value))).Should().Be("Rejected");
        (await import.ScalarAsync<string>("select message from import_file where id = @id", ("id", result.ImportFileId!.Value))).Should().Be(result.Message);
        // The reasons are kept for the school to fix its export, even though the data is not.
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Select(q => (q.Line, q.Column, q.Value)).Should().Equal(
            (4, "Datum", "2026-02-30"),
            (9, "Personnummer", "20130417-****"));
    }

    [Fact]
    public async Task The_rejection_message_masks_a_personnummer()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var result = await import.ImportAsync("days_invalid_luhn.csv");

        result.Status.Should().Be(ImportStatus.Rejected, "1 bad row of 3 is over the default limit of 5 %");
        result.Message.Should().Contain("line 3, column 'Personnummer', value '20130417-****': invalid personnummer: check digit does not match (Luhn)")
            .And.NotContain("2322");
        await NothingLandedAsync(import);
    }

    [Fact]
    public async Task A_file_exactly_at_the_bad_row_limit_is_imported_with_its_bad_row_quarantined()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var result = await import.ImportAsync("days_at_bad_row_limit.csv");

        result.Status.Should().Be(ImportStatus.Imported, "1 bad row of 20 is exactly the limit of 5 %, not over it");
        result.Should().BeEquivalentTo(new { RowsRead = 20, RowsImported = 19, RowsQuarantined = 1, FactsWritten = 19 });
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().ContainSingle().Which.Should().BeEquivalentTo(
            new StoredQuarantinedRow(15, "Ogiltig frånvaro (min)", "abc", "not a whole, non-negative number of minutes"));
    }

    [Fact]
    public async Task A_quote_that_is_never_closed_rejects_the_file_instead_of_silently_dropping_the_lines_after_it()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        // Line 32 opens a quote in 'Namn' that is never closed: CsvHelper reads lines 32–41 as one record.
        var result = await import.ImportAsync("days_unclosed_quote.csv");

        // Issue 13: a record that swallows other lines rejects the file whole, naming the line where the quote opened.
        result.Status.Should().Be(ImportStatus.Rejected, "the 9 lines after the quote could not be read as rows");
        result.Message.Should().Be(
            "days_unclosed_quote.csv: rejected, nothing imported: line 32: a quote opens a field that is never closed, so lines 32–41 read as " +
            "one field; close the quote or remove it.");
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Select(q => q.Line).Should().Equal(32);
        await NothingLandedAsync(import);
    }

    [Theory]
    [InlineData("(min)\n", "never closed")]
    [InlineData("(min)\n201911087151;Johan Ahmed;1A;2026-11-16;250;0;0;\"11\n", "closed on line 3")]
    public async Task A_quote_in_the_header_not_closed_on_its_line_rejects_the_file_at_line_1(string lastHeader, string what)
    {
        // Found by the fuzz test (seed 1178679579): the header swallowed every line after it, no row was read, and the file
        // was rejected only for lines that did not add up, without a line to look at.
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        var file = temp.File("days_header_quote.csv");
        await File.WriteAllTextAsync(file,
            "Personnummer;Namn;Klass;Datum;Schemalagd tid (min);Giltig frånvaro (min);Ogiltig frånvaro (min);\"Sen ankomst " + lastHeader +
            "201911087151;Johan Ahmed;1A;2026-11-17;250;0;0;0\n201911087151;Johan Ahmed;1A;2026-11-18;250;0;0;0\n");

        var result = await import.ImportAsync(file);

        result.Status.Should().Be(ImportStatus.Rejected, what);
        result.Message.Should().Be(
            "days_header_quote.csv, line 1: a quote opens a field in the header that is not closed on that line, so the lines after it read as " +
            "part of the header; close the quote or remove it.", what);
        await NothingLandedAsync(import);
    }

    [Fact]
    public async Task A_missing_column_rejects_the_file_with_a_message_naming_the_header()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var result = await import.ImportAsync("days_missing_column.csv");

        result.Status.Should().Be(ImportStatus.Rejected);
        result.Message.Should().StartWith("days_missing_column.csv, line 1: missing column 'Ogiltig frånvaro (min)' required by export profile 'days-default'")
            .And.Contain("'Giltig frånvaro (min)'", "the message lists the header the file does have");
        await NothingLandedAsync(import);
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { Line = 1, Column = (string?)null, Reason = result.Message });
    }

    [Fact]
    public async Task An_empty_file_is_rejected_as_having_no_header_row()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var result = await import.ImportAsync("days_empty_file.csv");

        result.Status.Should().Be(ImportStatus.Rejected);
        result.Message.Should().Contain("missing column 'Personnummer'").And.Contain("(no header row)");
        await NothingLandedAsync(import);
    }

    [Fact]
    public async Task A_rejected_file_sent_again_is_judged_again_not_called_already_imported()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        var first = await import.ImportAsync("days_over_bad_row_limit.csv");

        var second = await import.ImportAsync("days_over_bad_row_limit.csv");

        first.Status.Should().Be(ImportStatus.Rejected);
        second.Status.Should().Be(ImportStatus.Rejected);
        second.ImportFileId.Should().NotBe(first.ImportFileId);
        (await import.CountAsync("select count(*) from import_file where status = 'Rejected'")).Should().Be(2);
    }

    [Fact]
    public async Task A_higher_configured_limit_lets_the_same_file_in_with_its_bad_rows_quarantined()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault, maxBadRowShare: 0.2);

        var result = await import.ImportAsync("days_over_bad_row_limit.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Should().BeEquivalentTo(new { RowsRead = 10, RowsImported = 8, RowsQuarantined = 2, FactsWritten = 8 });
    }

    private static async Task NothingLandedAsync(ImportHarness import)
    {
        (await import.CountAsync("select count(*) from attendance_fact")).Should().Be(0);
        (await import.CountAsync("select count(*) from summary_snapshot")).Should().Be(0);
        (await import.CountAsync("select count(*) from pupil")).Should().Be(0);
        (await import.CountAsync("select count(*) from enrolment")).Should().Be(0);
        (await import.CountAsync("select count(*) from import_file where status = 'Imported'")).Should().Be(0);
    }
}
