using System.Diagnostics;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests.Cli;

/// <summary>The import command takes a school's roster (mentorer*.csv) beside its exports, with exit codes scripts can trust.</summary>
public sealed class ImportRosterCommandTests(TestDatabase db) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("cli-roster");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task The_import_command_imports_a_roster_and_exits_3_for_one_naming_a_class_the_exports_do_not_have()
    {
        var school = new TestSchool("44444445", "Mentorskolan", "r@m.example.se");
        var schools = PipelineHost.WriteSchoolsFile(temp.Path, school);
        var days = temp.File("days.csv");
        TestExports.WriteDays(days, TestExports.SchoolDays(new DateOnly(2026, 9, 7), 5), (TestPupil.Create(2013, 4, 5, 21, "Märta", "Östlund", "7B"), _ => 0));
        var good = temp.File("mentorer.csv");
        await File.WriteAllTextAsync(good, "Klass;Mentor;E-post\n7B;Åsa Öberg;asa.oberg@mentorskolan.example.se\n");
        var bad = temp.File("mentorer_2.csv");
        await File.WriteAllTextAsync(bad, "Klass;Mentor;E-post\n7B;Åsa Öberg;asa.oberg@mentorskolan.example.se\n9Z;Nils Holm;nils.holm@mentorskolan.example.se\n");

        var (imported, importedOutput) = await RunAsync(schools, "import", "--school", school.Skolenhetskod, days, good);
        var (rejected, rejectedOutput) = await RunAsync(schools, "import", "--school", school.Skolenhetskod, bad);

        imported.Should().Be(0, importedOutput);
        importedOutput.Should().Contain("mentorer.csv: roster imported").And.Contain("in force from 2026-09-14: 1 mentor of 1 class");
        rejected.Should().Be(3, rejectedOutput);
        rejectedOutput.Should().Contain("line 3, column 'Klass', value '9Z': no such class").And.Contain("7B");
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string schoolsFile, params string[] args)
    {
        var start = PipelineHost.CliStartInfo(db, schoolsFile, temp.Path, args);
        // The demo's fixed day is the night the import is for, so the exports' school year does not run out under the test.
        start.Environment["Skolnarvaro__Demo__Enabled"] = "true";
        start.Environment["Skolnarvaro__Demo__AsOf"] = "2026-09-14";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
