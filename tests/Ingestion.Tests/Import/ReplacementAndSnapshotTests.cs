using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Import;

/// <summary>
/// Files arrive again and again: the same file changes nothing, a corrected export replaces what it covers, and
/// cumulative summary snapshots are differenced into the weeks they describe.
/// </summary>
public sealed class ReplacementAndSnapshotTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("replacement");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    private static DateOnly Sep(int day) => new(2026, 9, day);

    [Fact]
    public async Task Reimporting_the_same_file_changes_nothing_and_says_already_imported()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        var first = await import.ImportAsync("days_week1.csv");
        var facts = await import.FactsAsync();

        var again = await import.ImportAsync("days_week1.csv");

        first.Status.Should().Be(ImportStatus.Imported, first.Message);
        again.Status.Should().Be(ImportStatus.AlreadyImported);
        again.ImportFileId.Should().Be(first.ImportFileId);
        again.Message.Should().Contain("already imported").And.Contain($"#{first.ImportFileId}").And.Contain("nothing changed");
        again.Should().BeEquivalentTo(new { RowsRead = 0, FactsWritten = 0, FactsReplaced = 0 });
        (await import.FactsAsync()).Should().Equal(facts);
        (await import.CountAsync("select count(*) from import_file")).Should().Be(1);
    }

    [Fact]
    public async Task The_same_content_under_another_file_name_is_also_already_imported()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        await import.ImportAsync("days_week1.csv");
        var copy = temp.File("export-2026-09-11.csv");
        File.Copy(ImportHarness.Data("days_week1.csv"), copy);

        var again = await import.ImportAsync(copy);

        again.Status.Should().Be(ImportStatus.AlreadyImported);
        again.Message.Should().StartWith("export-2026-09-11.csv: already imported");
    }

    [Fact]
    public async Task A_corrected_re_export_replaces_the_facts_of_the_dates_it_covers_instead_of_adding_to_them()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        var week = await import.ImportAsync("days_week1.csv");

        var corrected = await import.ImportAsync("days_week1_corrected.csv");

        corrected.Status.Should().Be(ImportStatus.Imported, corrected.Message);
        corrected.Should().BeEquivalentTo(new { FactsWritten = 6, FactsReplaced = 6 });
        var w = week.ImportFileId!.Value;
        var c = corrected.ImportFileId!.Value;
        (await import.FactsAsync()).Should().Equal(
            new StoredFact("Märta Östlund", Sep(7), 300, 0, 0, 0, 0, w),
            new StoredFact("Märta Östlund", Sep(8), 300, 0, 0, 0, 0, w),
            // The unexcused hour on Wednesday was excused afterwards; Thursday got a late registration.
            new StoredFact("Märta Östlund", Sep(9), 300, 60, 0, 0, 0, c),
            new StoredFact("Märta Östlund", Sep(10), 300, 0, 30, 0, 0, c),
            new StoredFact("Märta Östlund", Sep(11), 300, 0, 0, 0, 0, c),
            new StoredFact("Åke Ärlig", Sep(7), 300, 0, 0, 0, 0, w),
            new StoredFact("Åke Ärlig", Sep(8), 300, 0, 0, 0, 0, w),
            new StoredFact("Åke Ärlig", Sep(9), 300, 0, 0, 0, 0, c),
            new StoredFact("Åke Ärlig", Sep(10), 300, 0, 0, 0, 0, c),
            new StoredFact("Åke Ärlig", Sep(11), 300, 0, 0, 10, 0, c));
    }

    [Fact]
    public async Task The_first_summary_snapshot_of_a_term_counts_from_its_start()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.SummaryDefault);

        var result = await import.ImportAsync("summary_week1.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Message.Should().Contain("2 first snapshots of the term counted from its start");
        (await WeeklyTotalsAsync(import)).Should().Equal(
            new WeekTotal("Märta Östlund", Jan(12), 1500, 90, 60),
            new WeekTotal("Åke Ärlig", Jan(12), 1500, 0, 0));
        (await import.FactsAsync()).Where(f => f.Pupil == "Märta Östlund").Select(f => (f.Date.Day, f.Scheduled, f.Excused, f.Unexcused))
            .Should().Equal((12, 300, 18, 12), (13, 300, 18, 12), (14, 300, 18, 12), (15, 300, 18, 12), (16, 300, 18, 12));
    }

    [Fact]
    public async Task A_later_summary_snapshot_adds_only_the_difference_to_the_days_since_the_previous_one()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.SummaryDefault);
        await import.ImportAsync("summary_week1.csv");

        var result = await import.ImportAsync("summary_week2.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Should().BeEquivalentTo(new { FactsWritten = 10, FactsReplaced = 0 });
        result.Message.Should().Contain("2 pupils differenced against their previous snapshot");
        (await WeeklyTotalsAsync(import)).Should().Equal(
            new WeekTotal("Märta Östlund", Jan(12), 1500, 90, 60),
            new WeekTotal("Märta Östlund", Jan(19), 1500, 60, 30),
            new WeekTotal("Åke Ärlig", Jan(12), 1500, 0, 0),
            new WeekTotal("Åke Ärlig", Jan(19), 1500, 300, 0));
    }

    [Fact]
    public async Task A_decreased_cumulative_value_recomputes_the_pupils_term_so_far()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.SummaryDefault);
        await import.ImportAsync("summary_week1.csv");
        await import.ImportAsync("summary_week2.csv");

        var result = await import.ImportAsync("summary_week3_decreased.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Message.Should().Contain("1 with a cumulative value lower than before");
        (await WeeklyTotalsAsync(import)).Should().Equal(
            // Märta's figures only grew: her third week is the difference.
            new WeekTotal("Märta Östlund", Jan(12), 1500, 90, 60),
            new WeekTotal("Märta Östlund", Jan(19), 1500, 60, 30),
            new WeekTotal("Märta Östlund", Jan(26), 1500, 30, 30),
            // Åke's excused absence went from 5 h to 4 h: his 240 minutes are spread over the whole term again.
            new WeekTotal("Åke Ärlig", Jan(12), 1500, 80, 0),
            new WeekTotal("Åke Ärlig", Jan(19), 1500, 80, 0),
            new WeekTotal("Åke Ärlig", Jan(26), 1500, 80, 0));
        var totals = await TermTotalsAsync(import);
        totals.Should().Equal(("Märta Östlund", 4500, 180, 120), ("Åke Ärlig", 4500, 240, 0));
    }

    [Fact]
    public async Task A_new_term_starts_from_zero_instead_of_being_differenced_against_the_last()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.SummaryDefault);
        foreach (var file in new[] { "summary_week1.csv", "summary_week2.csv", "summary_week3_decreased.csv" })
        {
            await import.ImportAsync(file);
        }

        var result = await import.ImportAsync("summary_new_term.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Message.Should().Contain("1 first snapshots of the term counted from its start");
        var weeks = await WeeklyTotalsAsync(import);
        weeks.Where(w => w.Pupil == "Märta Östlund").Should().Equal(
            new WeekTotal("Märta Östlund", Jan(12), 1500, 90, 60),
            new WeekTotal("Märta Östlund", Jan(19), 1500, 60, 30),
            new WeekTotal("Märta Östlund", Jan(26), 1500, 30, 30),
            new WeekTotal("Märta Östlund", new DateOnly(2026, 8, 17), 1500, 60, 0));
        (await import.CountAsync("select count(*) from summary_snapshot")).Should().Be(7);
    }

    [Fact]
    public async Task A_snapshot_taken_on_a_weekend_loses_none_of_its_difference()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.SummaryDefault);
        await import.ImportAsync("summary_week1.csv");
        var weekend = await import.ImportAsync("summary_weekend_snapshot.csv");

        var week2 = await import.ImportAsync("summary_week2.csv");

        weekend.Status.Should().Be(ImportStatus.Imported, weekend.Message);
        week2.Status.Should().Be(ImportStatus.Imported, week2.Message);
        // Whatever days the differences land on, the facts add up to the latest cumulative snapshot.
        (await TermTotalsAsync(import)).Should().Equal(("Märta Östlund", 3000, 150, 90), ("Åke Ärlig", 3000, 300, 0));
    }

    private static DateOnly Jan(int day) => new(2026, 1, day);

    private sealed record WeekTotal(string Pupil, DateOnly Monday, int Scheduled, int Excused, int Unexcused);

    /// <summary>The stored facts summed per pupil and week (Monday), checking that only weekdays got facts.</summary>
    private static async Task<IReadOnlyList<WeekTotal>> WeeklyTotalsAsync(ImportHarness import)
    {
        var facts = await import.FactsAsync();
        facts.Should().OnlyContain(f => f.Date.DayOfWeek != DayOfWeek.Saturday && f.Date.DayOfWeek != DayOfWeek.Sunday);
        return facts
            .GroupBy(f => (f.Pupil, Monday: f.Date.AddDays(-(((int)f.Date.DayOfWeek + 6) % 7))))
            .Select(g => new WeekTotal(g.Key.Pupil, g.Key.Monday, g.Sum(f => f.Scheduled), g.Sum(f => f.Excused), g.Sum(f => f.Unexcused)))
            .ToList();
    }

    private static async Task<IReadOnlyList<(string, int, int, int)>> TermTotalsAsync(ImportHarness import) =>
        (await import.FactsAsync())
            .GroupBy(f => f.Pupil)
            .Select(g => (g.Key, g.Sum(f => f.Scheduled), g.Sum(f => f.Excused), g.Sum(f => f.Unexcused)))
            .ToList();
}
