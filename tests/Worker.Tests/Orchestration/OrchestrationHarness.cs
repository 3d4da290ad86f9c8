using System.Diagnostics;
using System.Text.RegularExpressions;
using MimeKit;
using Npgsql;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;

namespace Skolnarvaro.Worker.Tests.Orchestration;

/// <summary>
/// What orchestration tests share: the bundled sample as the municipality (demo mode, so runs are as of its date), a
/// clean reference run to compare with, triggering a run through the real command line, and waiting for it.
/// </summary>
internal static partial class OrchestrationHarness
{
    public static string SampleSchools => TestFiles.InRepo("sample-data", "schools.json");

    /// <summary>
    /// The sample's first night in demo mode: a digest for each of the eight rektorer of the six schools, each with their own
    /// link (8), beside one mail to each mentor with pupils at a level in their classes (111) and each school's elevhälsan (6).
    /// </summary>
    public const int DemoDigests = 8 + 111 + 6;

    /// <summary>The sample's settings for worker and trigger processes.</summary>
    public static Dictionary<string, string> SampleSettings(IReadOnlyDictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string> { ["Skolnarvaro__Demo__Enabled"] = "true" };
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return settings;
    }

    private static readonly Lazy<Task<RunFingerprint>> Reference = new(CleanRunAsync);

    /// <summary>Facts, flags and digests of a clean <c>run-once</c> over the sample in a database of its own (computed once).</summary>
    public static Task<RunFingerprint> CleanReferenceAsync() => Reference.Value;

    private static async Task<RunFingerprint> CleanRunAsync()
    {
        var db = new TestDatabase();
        await db.InitializeAsync();
        using var temp = TestFiles.CreateTempDirectory("clean-reference");
        try
        {
            using var host = await PipelineHost.StartAsync(db, SampleSchools, temp.Path,
                new Dictionary<string, string?> { ["Skolnarvaro:Demo:Enabled"] = "true" });
            var summary = await host.Get<NightlyRun>().RunAsync(DateOnly.Parse("2026-11-20", System.Globalization.CultureInfo.InvariantCulture), dryRun: true);
            summary.Succeeded.Should().BeTrue();
            return await FingerprintAsync(db.DataSource);
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    /// <summary>What a run leaves in the database, reduced to numbers that differ when anything is missing or doubled.</summary>
    public static async Task<RunFingerprint> FingerprintAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("""
            select (select count(*) from attendance_fact),
                   (select coalesce(sum(scheduled_min + 3 * excused_min + 7 * unexcused_min + 11 * late_min), 0) from attendance_fact),
                   (select count(*) from import_file where status = 'Imported'),
                   (select count(*) from flag),
                   (select count(*) from level_episode),
                   (select count(*) from outbox where skolenhetskod is not null)
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return new RunFingerprint(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5));
    }

    /// <summary>Runs <c>skolnarvaro trigger</c> (records the run, queues the school jobs) and returns the run id.</summary>
    public static async Task<long> TriggerAsync(TestDatabase db, string home, string? connectionString = null)
    {
        var start = PipelineHost.CliStartInfo(db, SampleSchools, home, "trigger");
        foreach (var (key, value) in SampleSettings())
        {
            start.Environment[key] = value;
        }

        if (connectionString is not null)
        {
            start.Environment["ConnectionStrings__Skolnarvaro"] = connectionString;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        process.ExitCode.Should().Be(0, output);
        return long.Parse(RunId().Match(output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until the run has finished (any status but Running) and returns its status.</summary>
    public static async Task<string> WaitForRunAsync(NpgsqlDataSource db, long runId, TimeSpan timeout, Func<string>? context = null)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            try
            {
                await using var cmd = db.CreateCommand("select status from run where id = @id");
                cmd.Parameters.AddWithValue("id", runId);
                if (await cmd.ExecuteScalarAsync() is string status && status != "Running")
                {
                    return status;
                }
            }
            catch (NpgsqlException)
            {
                // The server is being restarted by the test.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Run {runId} did not finish within {timeout}.\n{context?.Invoke()}");
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout} for {what}.");
            }

            await Task.Delay(50);
        }
    }

    public static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The Message-Ids of the digests the SMTP server received (the run report excluded).</summary>
    public static IReadOnlyList<string> DigestMessageIds(SmtpSink smtp) =>
        smtp.Messages.Select(m => MimeMessage.Load(new MemoryStream(m.Raw)).MessageId ?? "").ToList();

    [GeneratedRegex(@"Run #(\d+):")]
    private static partial Regex RunId();
}

public sealed record RunFingerprint(long Facts, long FactMinutes, long FilesImported, long Flags, long LevelEpisodes, long Digests);
