using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Import;

/// <summary>Lesson exports keep each day's lessons per subject (ämne), for the one-subject pattern.</summary>
public sealed class SubjectTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime, IDisposable
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("subjects");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("lessons_utf8_bom.csv")]          // pupil by pupil: added up while parsing
    [InlineData("lessons_sorted_by_time.csv")]    // lesson by lesson: added up in staging
    public async Task A_lessons_export_stores_each_days_lessons_per_subject(string file)
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);

        var result = await import.ImportAsync(file);

        result.Status.Should().Be(Skolnarvaro.Ingestion.Import.ImportStatus.Imported, result.Message);
        var rows = await SubjectRowsAsync(import);
        // Åke on the 18th (sorted by time) or the 14th (by pupil): Svenska absent, Matematik not reported.
        rows.Should().Contain(r => r.Subject == "Matematik" && r.Lessons == 1 && r.Unreported == 1 && r.Absent == 0 && r.Pupil == "Åke");
        rows.Should().Contain(r => r.Subject == "Svenska" && r.Lessons == 1 && r.Absent == 1 && r.Pupil == "Åke");
        rows.Should().OnlyContain(r => r.Lessons >= r.Unreported + r.Absent);
        var lessonRows = File.ReadAllLines(ImportHarness.Data(file)).Length - 1;
        rows.Sum(r => r.Lessons).Should().BeLessThanOrEqualTo(lessonRows).And.BeGreaterThan(0);
    }

    [Fact]
    public async Task A_days_export_has_no_subjects()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        await import.ImportAsync("days_crlf.csv");

        (await SubjectRowsAsync(import)).Should().BeEmpty();
        (await import.CountAsync("select count(*) from attendance_fact")).Should().BeGreaterThan(0);
    }

    private static async Task<List<(string Pupil, string Subject, int Lessons, int Unreported, int Absent)>> SubjectRowsAsync(ImportHarness import)
    {
        var rows = new List<(string, string, int, int, int)>();
        foreach (var line in (await import.ScalarAsync<string>("""
                     select coalesce(string_agg(p.first_name || '|' || s.subject || '|' || s.lessons || '|' || s.unreported_lessons || '|' || s.absent_lessons, E'\n'), '')
                     from attendance_subject_fact s join pupil p using (pupil_key)
                     """))!.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('|');
            rows.Add((f[0], f[1], int.Parse(f[2]), int.Parse(f[3]), int.Parse(f[4])));
        }

        return rows;
    }
}
