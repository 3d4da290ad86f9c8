using Skolnarvaro.Generator;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests.Cli;

/// <summary>The `generate` command: the generator itself is tested in Generator.Tests.</summary>
public sealed class GenerateCommandTests
{
    [Fact]
    public async Task The_command_writes_a_history_with_its_answer_key_and_refuses_a_term_start_with_it()
    {
        using var temp = TestFiles.CreateTempDirectory("history-cli");

        var (ok, _) = await Cli(temp.Path, "generate", "--history", "--as-of", "2026-01-16", "--pupils", "60", "--out", temp.File("h"));
        var (refused, error) = await Cli(temp.Path, "generate", "--from", "2026-01-08", "--term-start", "2026-01-08", "--out", temp.File("x"));

        ok.Should().Be(0);
        File.Exists(temp.File("h", SampleGenerator.TruthFileName)).Should().BeTrue();
        Directory.GetFiles(temp.File("h", "inbox"), "*.csv", SearchOption.AllDirectories).Select(Path.GetFileName)
            .Should().Contain(["days_2025-08-18.csv", "days_2026-01-12.csv"]).And.NotContain("days_2026-01-19.csv");
        refused.Should().Be(2);
        error.Should().Contain("--term-start");
        Directory.Exists(temp.File("x")).Should().BeFalse();
    }

    [Fact]
    public async Task Dynamics_published_writes_a_history_with_its_outbreaks_and_is_refused_without_a_history()
    {
        using var temp = TestFiles.CreateTempDirectory("published-cli");

        var (ok, _) = await Cli(temp.Path, "generate", "--history", "--dynamics", "published", "--as-of", "2025-09-12", "--pupils", "80",
            "--schools", "8", "--out", temp.File("p"));
        var (refused, error) = await Cli(temp.Path, "generate", "--dynamics", "published", "--out", temp.File("x"));

        ok.Should().Be(0);
        File.Exists(temp.File("p", SampleGenerator.TruthFileName)).Should().BeTrue();
        File.Exists(temp.File("p", "history-outbreaks.csv")).Should().BeTrue();
        Directory.GetDirectories(temp.File("p", "inbox")).Should().HaveCount(8);
        refused.Should().Be(2);
        error.Should().Contain("--history or --from");
        Directory.Exists(temp.File("x")).Should().BeFalse();
    }

    private static async Task<(int ExitCode, string Error)> Cli(string home, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "skolnarvaro.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = home,
        };
        start.Environment["SKOLNARVARO_HOME"] = home;
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await output;
        await process.WaitForExitAsync();
        return (process.ExitCode, error);
    }
}
