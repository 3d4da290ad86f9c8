using Microsoft.Extensions.Hosting;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Tests;

/// <summary>
/// Starts the real composition root (the same one the CLI uses) against a test database, a schools file and a
/// scratch output folder.
/// <code>
/// using var host = await PipelineHost.StartAsync(db, schoolsFile, temp.Path);
/// await host.Get&lt;NightlyRun&gt;().RunAsync(asOf, dryRun: true);
/// </code>
/// </summary>
public static class PipelineHost
{
    public const string TestKey = TestSchools.PseudonymisationKey;

    public static Task<IHost> StartAsync(TestDatabase db, string schoolsFile, string outputFolder, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Skolnarvaro"] = db.ConnectionString,
            ["Skolnarvaro:SchoolsFile"] = schoolsFile,
            ["Skolnarvaro:Demo:Enabled"] = "false",
            ["Skolnarvaro:Pseudonymisation:Key"] = TestKey,
            ["Skolnarvaro:Notifications:TemplateFolder"] = TestFiles.InRepo("templates"),
            ["Skolnarvaro:Notifications:DryRunFolder"] = Path.Combine(outputFolder, "digests"),
            ["Skolnarvaro:Notifications:Smtp:Host"] = "",
            // Tests that are not about the cadence see a digest after every run, as a school on a nightly schedule does.
            ["Skolnarvaro:Notifications:Digest:Schedule"] = "Nightly",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        return WorkerHost.StartAsync(overrides);
    }

    /// <summary>
    /// Starting the real command line as its own process (for kills, exit codes and logs): the same settings as
    /// <see cref="StartAsync"/>, as environment variables. Callers add or override variables before starting it.
    /// </summary>
    public static System.Diagnostics.ProcessStartInfo CliStartInfo(TestDatabase db, string schoolsFile, string home, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "skolnarvaro.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = home,
        };
        start.Environment["ConnectionStrings__Skolnarvaro"] = db.ConnectionString;
        start.Environment["Skolnarvaro__SchoolsFile"] = schoolsFile;
        start.Environment["Skolnarvaro__Demo__Enabled"] = "false";
        start.Environment["Skolnarvaro__Pseudonymisation__Key"] = TestKey;
        start.Environment["Skolnarvaro__Notifications__TemplateFolder"] = TestFiles.InRepo("templates");
        start.Environment["Skolnarvaro__Notifications__Digest__Schedule"] = "Nightly";
        start.Environment["SKOLNARVARO_HOME"] = home;
        return start;
    }

    /// <summary>Writes a schools file for hand-made schools, each with an inbox folder next to it, and returns its path.</summary>
    public static string WriteSchoolsFile(string folder, params TestSchool[] schools) => TestSchools.WriteFile(folder, schools);
}
