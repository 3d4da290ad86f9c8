using System.Text;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Import;

/// <summary>The plausibility rules hold for every export kind alike, and "today" is the run's day, not the wall clock's.</summary>
public sealed class PlausibilityForEveryKindTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("plausibility");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    private const string Header = "Personnummer;Förnamn;Efternamn;Klass;Datum;Starttid;Längd (min);Ämne;Status;Frånvaro (min)";
    private const string Marta = "20130417-2321;Märta;Östlund;7B";
    private const string Ake = "20130502-4117;Åke;Ärlig;7B";

    /// <summary>Ten lessons of 93 minutes: 930 minutes in one day, more than the 600 a day holds.</summary>
    private static IEnumerable<string> LongDay(string pupil, string date) =>
        Enumerable.Range(0, 10).Select(i => $"{pupil};{date};{7 + i:D2}:00;93;Svenska;N;0");

    private async Task<string> WriteAsync(string name, IEnumerable<string> rows)
    {
        var path = temp.File(name);
        await File.WriteAllTextAsync(path, string.Join("\n", rows.Prepend(Header)) + "\n", Encoding.UTF8);
        return path;
    }

    [Theory]
    [InlineData("listed day by day", false)]
    [InlineData("with the day's lessons apart in the file", true)]
    public async Task A_lessons_day_over_MaxMinutesPerDay_is_quarantined_whole(string order, bool apart)
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault, maxBadRowShare: 0.95);
        var longDay = LongDay(Marta, "2026-09-18").ToList();
        var rows = apart
            ? longDay.Take(5).Append($"{Ake};2026-09-18;08:00;60;Svenska;N;0").Concat(longDay.Skip(5))
            : longDay.Append($"{Ake};2026-09-18;08:00;60;Svenska;N;0");

        var result = await import.ImportAsync(await WriteAsync("long_day.csv", rows));

        result.Status.Should().Be(ImportStatus.Imported, $"{order}: {result.Message}");
        result.RowsQuarantined.Should().Be(10, order);
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().AllSatisfy(q => q.Reason.Should().StartWith(
            "the pupil's lessons of this day add up to 930 scheduled minutes, more than the 600 a day holds (Skolnarvaro:Plausibility:MaxMinutesPerDay)"));
        (await import.FactsAsync()).Select(f => f.Pupil).Should().Equal(["Åke Ärlig"], "the 930-minute day is not stored");
        result.Lines!.AddsUp.Should().BeTrue(result.Lines.ToString());
    }

    [Fact]
    public async Task A_present_lesson_with_absent_minutes_is_quarantined_instead_of_dropping_the_minutes()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault, maxBadRowShare: 0.95);

        var result = await import.ImportAsync(await WriteAsync("present_absent.csv", [
            $"{Marta};2026-09-18;08:00;60;Svenska;N;30",
            $"{Marta};2026-09-18;09:10;60;Matematik;N;0",
        ]));

        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            Line = 2, Column = "Frånvaro (min)", Value = "30",
            Reason = "status N (present) with 30 absent minutes: either the status or the minutes are wrong",
        });
    }

    [Fact]
    public async Task In_demo_mode_after_today_means_after_the_demos_day_not_the_wall_clocks()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault, maxBadRowShare: 0.95,
            configuration: new Dictionary<string, string?> { ["Skolnarvaro:Demo:Enabled"] = "true", ["Skolnarvaro:Demo:AsOf"] = "2026-09-17" });
        var path = await WriteAsync("two_days.csv", [
            $"{Marta};2026-09-17;08:00;60;Svenska;N;0",
            $"{Marta};2026-09-18;08:00;60;Svenska;N;0",
        ]);

        var result = await import.ImportAsync(path);

        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().ContainSingle().Which.Reason.Should().Be("the date is after today (2026-09-17)");
    }

    [Fact]
    public async Task After_today_means_after_the_day_the_import_is_for_not_the_wall_clocks()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault, maxBadRowShare: 0.95);
        var path = await WriteAsync("two_days.csv", [
            $"{Marta};2026-09-17;08:00;60;Svenska;N;0",
            $"{Marta};2026-09-18;08:00;60;Svenska;N;0",
        ]);

        var result = await import.Get<FileImporter>().ImportAsync(import.School, import.Profile, path, asOf: new DateOnly(2026, 9, 17));

        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            Line = 3, Reason = "the date is after today (2026-09-17)",
        });
        (await import.FactsAsync()).Select(f => f.Date).Should().Equal(new DateOnly(2026, 9, 17));
    }
}
