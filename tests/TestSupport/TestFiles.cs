namespace Skolnarvaro.TestSupport;

/// <summary>
/// Finds files in the repository and makes scratch folders for tests.
/// <code>
/// var golden = TestFiles.InRepo("tests", "Notifications.Tests", "Golden", "digest.html");
/// using var temp = TestFiles.CreateTempDirectory();
/// File.WriteAllText(temp.File("export.csv"), csv);
/// </code>
/// </summary>
public static class TestFiles
{
    public const string SolutionFileName = "SkolnarvaroPipeline.sln";

    private static readonly Lazy<string> Root = new(FindRepoRoot);

    /// <summary>The folder holding SkolnarvaroPipeline.sln, found by walking up from the test binaries.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>A path inside the repository, from its parts: <c>InRepo("src", "Worker", "appsettings.json")</c>.</summary>
    public static string InRepo(params string[] parts) => Path.Combine([RepoRoot, .. parts]);

    /// <summary>A new empty folder under the system temp folder, deleted when disposed.</summary>
    public static TempDirectory CreateTempDirectory(string prefix = "test") => new(prefix);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFileName)))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No {SolutionFileName} in {AppContext.BaseDirectory} or any folder above it; tests must run from a build inside the repository.");
    }
}

/// <summary>
/// A scratch folder for one test, deleted with everything in it on dispose.
/// <code>
/// using var temp = new TempDirectory();
/// var inbox = temp.CreateSubdirectory("inbox");
/// </code>
/// </summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "skolnarvaro-tests", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>Absolute path of the folder.</summary>
    public string Path { get; }

    /// <summary>A path for a file in the folder (the file is not created).</summary>
    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Creates a folder inside this one and returns its absolute path.</summary>
    public string CreateSubdirectory(params string[] parts) => Directory.CreateDirectory(File(parts)).FullName;

    public override string ToString() => Path;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // The test removed it already.
        }
    }
}
