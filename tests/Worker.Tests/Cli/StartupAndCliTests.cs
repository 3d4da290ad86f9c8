using System.Diagnostics;
using Microsoft.Extensions.Options;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests.Cli;

/// <summary>What an operator sees at start-up and from the command line: clear messages, exit codes scripts can trust.</summary>
public sealed class StartupAndCliTests(TestDatabase db) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("cli");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_bad_export_profile_stops_the_start_naming_the_school_the_key_and_the_value()
    {
        var schools = temp.File("schools.json");
        await File.WriteAllTextAsync(schools, """
            { "Skolnarvaro": { "Schools": [ { "Skolenhetskod": "12345678", "Name": "Felskolan", "Driftsform": "Municipal",
              "Huvudman": "Testkommunen", "Profile": "days-default", "Inbox": "inbox",
              "ProfileOverrides": { "Delimiter": "xx", "Encoding": "ebcdic" } } ] } }
            """);

        var start = () => PipelineHost.StartAsync(db, schools, temp.Path);

        var error = (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message;
        error.Should().Contain("Skolnarvaro:Schools:0 (12345678 Felskolan)")
            .And.Contain("Delimiter = 'xx'")
            .And.Contain("Encoding = 'ebcdic'");
    }

    [Fact]
    public async Task Without_a_pseudonymisation_key_the_start_fails_outside_demo_mode_and_says_how_to_set_one()
    {
        var schools = PipelineHost.WriteSchoolsFile(temp.Path, new TestSchool("12345678", "Nyckelskolan", "r@n.example.se"));

        var start = () => PipelineHost.StartAsync(db, schools, temp.Path, new Dictionary<string, string?> { ["Skolnarvaro:Pseudonymisation:Key"] = "" });

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message
            .Should().Contain("Skolnarvaro__Pseudonymisation__Key");
    }

    [Fact]
    public async Task The_import_command_exits_3_when_a_file_is_rejected_and_0_when_it_is_already_imported()
    {
        var school = new TestSchool("44444444", "Kommandoskolan", "r@k.example.se");
        var schools = PipelineHost.WriteSchoolsFile(temp.Path, school);
        var good = temp.File("good.csv");
        var pupil = TestPupil.Create(2013, 4, 5, 21, "Märta", "Östlund", "7B");
        TestExports.WriteDays(good, TestExports.SchoolDays(new DateOnly(2026, 9, 7), 5), (pupil, _ => 0));
        var bad = temp.File("bad.csv");
        await File.WriteAllTextAsync(bad, (await File.ReadAllTextAsync(good)).Replace("2026-09-", "2026-13-", StringComparison.Ordinal));

        var (rejected, rejectedOutput) = await RunAsync(schools, "import", "--school", school.Skolenhetskod, bad);
        var (first, _) = await RunAsync(schools, "import", "--school", school.Skolenhetskod, good);
        var (again, againOutput) = await RunAsync(schools, "import", "--school", school.Skolenhetskod, good);
        var (unknown, unknownOutput) = await RunAsync(schools, "import", "--school", "99999999", good);

        rejected.Should().Be(3, rejectedOutput);
        rejectedOutput.Should().Contain("rejected").And.Contain("line 2").And.Contain("Datum").And.Contain("2026-13-07");
        first.Should().Be(0);
        again.Should().Be(0);
        againOutput.Should().Contain("already imported");
        unknown.Should().Be(2, unknownOutput);
        unknownOutput.Should().Contain("--school 99999999");
    }

    [Fact]
    public async Task The_quarantine_command_refuses_an_unknown_school_with_exit_2_and_writes_the_csv_for_a_known_one()
    {
        // Issue 13, finding 12: a typo ("1234") said "Nothing quarantined" with exit 0.
        var school = new TestSchool("55555555", "Karantänskolan", "r@q.example.se");
        var schools = PipelineHost.WriteSchoolsFile(temp.Path, school);
        var csv = temp.File("out", "karantan.csv");

        var (unknown, unknownOutput) = await RunAsync(schools, "quarantine", "--school", "1234");
        var (known, knownOutput) = await RunAsync(schools, "quarantine", "--school", school.Skolenhetskod, "--csv", csv);

        unknown.Should().Be(2, unknownOutput);
        unknownOutput.Should().Contain("--school 1234: no school with that skolenhetskod").And.NotContain("   at ");
        known.Should().Be(0, knownOutput);
        (await File.ReadAllTextAsync(csv)).Should().StartWith("fil;mottagen;status;kolumn;orsak;antal_rader;forsta_raderna");
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string schoolsFile, params string[] args)
    {
        var start = PipelineHost.CliStartInfo(db, schoolsFile, temp.Path, args);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
