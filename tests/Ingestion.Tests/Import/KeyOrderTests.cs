using Skolnarvaro.Ingestion.Identity;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Parsing;
using Skolnarvaro.Ingestion.Plausibility;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Import;

/// <summary>
/// A school's first import reads the pupils in the order of their keys (so PostgreSQL appends to the primary key instead
/// of splitting it everywhere): the same facts, problems and line accounting as in the file's own order.
/// </summary>
public sealed class KeyOrderTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 12, 1);
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("key-order");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_first_import_read_in_key_order_keeps_every_line_under_its_own_number()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault, maxBadRowShare: 0.5);

        var result = await import.ImportAsync("lessons_pupils_not_in_key_order.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Phases!.All.Select(p => p.Name).Should().Contain("key order");
        result.Should().BeEquivalentTo(new { RowsRead = 9, RowsQuarantined = 1, RowsProtected = 1, FactsWritten = 6 });
        result.Lines.Should().BeEquivalentTo(new { Total = 12, Imported = 7, Quarantined = 1, Protected = 1, Blank = 2, Header = 1 });
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { Line = 6, Column = "Status", Value = "Q" });
        (await import.FactsAsync()).Select(f => (f.Pupil, f.Date, f.Scheduled, f.Excused, f.Unexcused, f.Late)).Should().Equal(
            ("Märta Östlund", new DateOnly(2026, 9, 17), 60, 0, 0, 0),
            ("Nils Sjöberg", new DateOnly(2026, 9, 17), 60, 0, 60, 0),
            ("Nils Sjöberg", new DateOnly(2026, 9, 18), 60, 0, 0, 0),
            ("Saga Berg", new DateOnly(2026, 9, 17), 120, 60, 0, 0),
            ("Åke Ärlig", new DateOnly(2026, 9, 17), 60, 0, 0, 0),
            ("Åke Ärlig", new DateOnly(2026, 9, 18), 60, 0, 0, 5));
        (await import.PupilsAsync()).Select(p => (p.FirstName, p.ClassName)).Should().Equal(
            ("Märta", "7B"), ("Nils", "8C"), ("Saga", "6A"), ("Åke", "7B"));
    }

    [Fact]
    public async Task The_key_order_reads_each_row_once_with_the_outcome_it_has_in_the_file_order()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);
        var file = ImportHarness.Data("lessons_pupils_not_in_key_order.csv");
        var hasher = new PupilKeyHasher(new string('k', 32));
        var scan = await FileScan.ReadAsync(file, CancellationToken.None);

        var order = KeyOrder.Plan(file, import.Profile, hasher, Today);

        order.Should().NotBeNull();
        using var inFileOrder = Reader(null);
        using var inKeyOrder = Reader(order);
        order!.Fits(scan, inKeyOrder.PersonnummerColumn).Should().BeTrue();
        var fileRows = Rows(inFileOrder);
        var keyRows = Rows(inKeyOrder);
        keyRows.Should().BeEquivalentTo(fileRows, "the same rows, each under its own line number");
        keyRows.Select(r => r.Line).Should().OnlyHaveUniqueItems();
        inKeyOrder.Lines.Should().BeEquivalentTo(inFileOrder.Lines);
        inKeyOrder.Lines.AddsUp.Should().BeTrue();
        // In key order each pupil's rows are still together and the pupils follow their keys; the file's last pupil (lines
        // 10–12, with the trailing empty line) stays last.
        var keys = keyRows.Where(r => r.Key is not null && r.Line < 10).Select(r => Convert.ToHexString(r.Key!)).ToList();
        keys.Should().HaveCount(5);
        keys.Should().BeInAscendingOrder(StringComparer.Ordinal);

        ExportReader Reader(KeyOrder? o) => new(file, import.Profile, hasher, new PlausibilityRules(new PlausibilityOptions(), Today), scan, o);

        static List<(int Line, RowOutcome Outcome, byte[]? Key)> Rows(ExportReader reader)
        {
            var rows = new List<(int, RowOutcome, byte[]?)>();
            while (reader.Read())
            {
                rows.Add((reader.Line, reader.Outcome, reader.Outcome == RowOutcome.Fact ? reader.Fact.PupilKey : null));
            }

            return rows;
        }
    }

    [Theory]
    [InlineData("lessons_listed_day_by_day.csv")]           // a pupil's rows in more than one place
    [InlineData("lessons_quoted_delimiter_and_newline.csv")] // quotes: a line break may be inside a field
    public async Task A_file_that_is_not_listed_pupil_by_pupil_keeps_its_order(string file)
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);

        KeyOrder.Plan(ImportHarness.Data(file), import.Profile, new PupilKeyHasher(new string('k', 32)), Today).Should().BeNull();
    }

    [Fact]
    public async Task A_school_that_has_facts_reads_its_next_file_in_the_file_order()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault, maxBadRowShare: 0.5);
        (await import.ImportAsync("lessons_pupils_not_in_key_order.csv")).Status.Should().Be(ImportStatus.Imported);
        var next = temp.File("next.csv");
        await File.WriteAllTextAsync(next, (await File.ReadAllTextAsync(ImportHarness.Data("lessons_pupils_not_in_key_order.csv")))
            .Replace(";Svenska;O;0", ";Svenska;N;0", StringComparison.Ordinal));

        var result = await import.ImportAsync(next);

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Phases!.All.Select(p => p.Name).Should().NotContain("key order");
        (await import.FactsAsync()).Should().Contain(f => f.Pupil == "Nils Sjöberg" && f.Date == new DateOnly(2026, 9, 17) && f.Unexcused == 0);
    }
}
