using System.Diagnostics;
using System.Text;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests.Cli;

/// <summary><c>report</c> from the command line, after a real nightly run: the files, and exit codes for bad options.</summary>
public sealed class ReportCommandTests(TestDatabase db) : IClassFixture<TestDatabase>, IDisposable
{
    private static readonly TestSchool School = new("55555555", "Rapportskolan", "rektor@rapport.example.se");
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("report-cli");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task The_report_command_writes_html_and_csv_after_a_nightly_run_and_refuses_bad_options_with_exit_code_2()
    {
        var schools = PipelineHost.WriteSchoolsFile(temp.Path, School);
        var pupils = Enumerable.Range(0, 6)
            .Select(i => (TestPupil.Create(2013, 2, 10 + i, 30 + i, $"Elev{i}", "Ström", "7A", boy: i % 2 == 1), (Func<int, int>)(d => i == 0 && d % 3 == 0 ? 300 : 0)))
            .ToArray();
        TestExports.WriteDays(Path.Combine(temp.Path, "inbox", School.Skolenhetskod, "days.csv"), TestExports.SchoolDays(new DateOnly(2026, 9, 7), 20), pupils);

        var (night, nightOutput) = await RunAsync(schools, "run-once", "--as-of", "2026-10-02");
        night.Should().Be(0, nightOutput);

        var folder = Path.Combine(temp.Path, "rapport");
        var (code, output) = await RunAsync(schools, "report", "--term", "ht2026", "--as-of", "2026-10-02", "--out", folder);

        code.Should().Be(0, output);
        var files = Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        files.Should().Equal("terminsrapport-HT2026-grupper.csv", "terminsrapport-HT2026-skolor.csv", "terminsrapport-HT2026-veckor.csv", "terminsrapport-HT2026.html");
        output.Should().Contain(Path.Combine(folder, "terminsrapport-HT2026.html"));
        var groups = await File.ReadAllLinesAsync(Path.Combine(folder, "terminsrapport-HT2026-grupper.csv"), Encoding.UTF8);
        groups.Should().Contain("HT2026;skola;Rapportskolan;55555555;kommunal;alla;elever;Elever;antal;6;")
            .And.Contain("HT2026;skola;Rapportskolan;55555555;kommunal;flickor;elever;Elever;antal;;ja", "three girls are fewer than five")
            .And.Contain("HT2026;skola;Rapportskolan;55555555;kommunal;alla;hog_franvaro;Hög frånvaro;antal;;ja", "one pupil with high absence is fewer than five");
        var html = await File.ReadAllTextAsync(Path.Combine(folder, "terminsrapport-HT2026.html"), Encoding.UTF8);
        html.Should().Contain("Rapportskolan").And.Contain("höstterminen 2026");

        var (badTerm, badTermOutput) = await RunAsync(schools, "report", "--term", "XT2026");
        (badTerm, badTermOutput).Should().Match<(int, string)>(x => x.Item1 == 2 && x.Item2.Contains("'XT2026' is not a term"));
        var (notYet, notYetOutput) = await RunAsync(schools, "report", "--term", "VT2027", "--as-of", "2026-10-02");
        (notYet, notYetOutput).Should().Match<(int, string)>(x => x.Item1 == 2 && x.Item2.Contains("VT2027 starts 2027-01-01"));
        var (badSize, badSizeOutput) = await RunAsync(schools, "report", "--term", "HT2026", "--min-group-size", "0");
        (badSize, badSizeOutput).Should().Match<(int, string)>(x => x.Item1 == 2 && x.Item2.Contains("--min-group-size 0"));
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string schoolsFile, params string[] args)
    {
        using var process = Process.Start(PipelineHost.CliStartInfo(db, schoolsFile, temp.Path, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
