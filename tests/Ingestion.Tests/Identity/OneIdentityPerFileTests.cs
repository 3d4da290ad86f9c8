using System.Text;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.Ingestion.Quarantine;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Identity;

/// <summary>One personnummer is one pupil in a file, and a personnummer's century has to fit the pupil's grade.</summary>
public sealed class OneIdentityPerFileTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("identity");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    private static string[] Days() => File.ReadAllLines(ImportHarness.Data("hostile", "days_week.csv"), Encoding.UTF8);

    [Fact]
    public async Task The_same_personnummer_under_another_name_on_the_next_row_is_quarantined_and_recorded_as_an_identity_conflict()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        var lines = Days();
        lines[3] = lines[3].Replace("Johan Ahmed", "Helt Annan", StringComparison.Ordinal);
        var file = temp.File("renamed_on_line_4.csv");
        await File.WriteAllLinesAsync(file, lines);

        var result = await import.ImportAsync(file);

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.RowsQuarantined.Should().Be(1);
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { Line = 4, Reason = "the same personnummer as an earlier row of this file, with another name" });
        (await import.Get<QuarantineStore>().IdentityConflictsAsync(ImportHarness.Skolenhetskod)).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { Line = 4, NameInFile = "Helt Annan", StoredName = "Johan Ahmed", FileName = "renamed_on_line_4.csv" });
        (await import.PupilsAsync()).Should().NotContain(p => p.FirstName == "Helt");
    }

    [Fact]
    public async Task A_centenarians_plus_sign_on_a_first_grader_is_quarantined_and_the_pupil_keeps_the_week()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);
        var week = File.ReadAllLines(ImportHarness.Data("hostile", "lessons_week.csv"), Encoding.UTF8).Where(l => !l.Contains("2026-02-30")).ToList();
        var first = temp.File("week.csv");
        await File.WriteAllLinesAsync(first, week);
        (await import.ImportAsync(first)).Status.Should().Be(ImportStatus.Imported);
        var before = (await import.FactsAsync()).Where(f => f.Pupil == "Sami Andersson").Select(f => f with { ImportFileId = 0 }).ToList();
        var plus = temp.File("plus.csv");
        await File.WriteAllLinesAsync(plus, week.Select(l => l.Replace("20190308-0594;", "190308+0594;", StringComparison.Ordinal))
            .Select(l => l.Replace(";N;0", ";G;0", StringComparison.Ordinal)));

        var result = await import.ImportAsync(plus);

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.RowsQuarantined.Should().Be(22);
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().AllSatisfy(q =>
        {
            q.Reason.Should().Contain("born 1919").And.Contain("'+'").And.Contain("grade 1");
            q.Value.Should().NotContain("0594", "the personnummer is masked");
        });
        (await import.PupilsAsync()).Should().NotContain(p => p.BirthYear < 2000, "nobody born 1919 is made of the pupil");
        (await import.FactsAsync()).Where(f => f.Pupil == "Sami Andersson").Select(f => f with { ImportFileId = 0 })
            .Should().Equal(before, "the pupil keeps the week");
    }
}
