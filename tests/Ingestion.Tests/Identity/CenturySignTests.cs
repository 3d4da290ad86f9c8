using System.Text;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Identity;

/// <summary>
/// A century sign that makes a centenarian of a first grader is not believed, even in a school's first file, where no
/// earlier facts and so no shrink guard stand in the way.
/// </summary>
public sealed class CenturySignTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("century");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_first_grader_written_with_a_centenarians_plus_sign_in_a_first_file_is_quarantined_not_stored_as_born_1919()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);
        var week = File.ReadAllLines(ImportHarness.Data("hostile", "lessons_week.csv"), Encoding.UTF8).Where(l => !l.Contains("2026-02-30"));
        var file = temp.File("first_file.csv");
        await File.WriteAllLinesAsync(file, week.Select(l => l.Replace("20190308-0594;", "190308+0594;", StringComparison.Ordinal)));

        var result = await import.ImportAsync(file);

        (await import.PupilsAsync()).Where(p => p.BirthYear < 2000).Select(p => $"{p.FirstName} {p.LastName}, {p.ClassName}, born {p.BirthYear}")
            .Should().BeEmpty("a pupil in 1A is not made a person born 1919");
        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.RowsQuarantined.Should().Be(22);
        (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().HaveCount(22)
            .And.OnlyContain(q => q.Reason.Contains("born 1919", StringComparison.Ordinal) && !q.Value!.Contains("0594", StringComparison.Ordinal));
    }
}
