using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests;

/// <summary>
/// A real <c>skolnarvaro worker</c> process (Hangfire server and dashboard) for orchestration tests: short polling,
/// invisibility and retry times so that kills and outages resolve in seconds, a dashboard on a free loopback port.
/// <code>
/// using var worker = WorkerProcess.Start(db, schoolsFile, temp.Path, smtpPort: smtp.Port);
/// worker.Kill();                       // SIGKILL: no shutdown, no cleanup
/// </code>
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    public const string DashboardUser = "ops";
    public const string DashboardPassword = "test-dashboard-password";

    private readonly Process process;
    private readonly StringBuilder output = new();

    private WorkerProcess(ProcessStartInfo start, int dashboardPort)
    {
        DashboardPort = dashboardPort;
        process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the worker.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int DashboardPort { get; }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <param name="connectionString">The database, when not the fixture's (a test's own PostgreSQL server).</param>
    /// <param name="smtpPort">An SMTP server on 127.0.0.1; none: digests are written as .eml files under <paramref name="home"/>.</param>
    /// <param name="settings">Further settings as environment variables (Skolnarvaro__…).</param>
    public static WorkerProcess Start(
        TestDatabase db, string schoolsFile, string home, int? smtpPort = null, string? connectionString = null,
        IReadOnlyDictionary<string, string>? settings = null, int? dashboardPort = null)
    {
        var port = dashboardPort ?? FreePort.Next();
        var start = PipelineHost.CliStartInfo(db, schoolsFile, home, "worker");
        if (connectionString is not null)
        {
            start.Environment["ConnectionStrings__Skolnarvaro"] = connectionString;
        }

        start.Environment["Skolnarvaro__Notifications__DryRunFolder"] = Path.Combine(home, "digests");
        start.Environment["Skolnarvaro__Notifications__Smtp__Host"] = smtpPort is null ? "" : "127.0.0.1";
        start.Environment["Skolnarvaro__Notifications__Smtp__Port"] = (smtpPort ?? 25).ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Skolnarvaro__Notifications__Smtp__Security"] = "None";
        start.Environment["Skolnarvaro__Notifications__Delivery__RetryBaseDelay"] = "00:00:01";
        start.Environment["Skolnarvaro__Notifications__Delivery__RetryMaxDelay"] = "00:00:02";
        start.Environment["Skolnarvaro__Notifications__Delivery__AttemptTimeout"] = "00:00:03";
        start.Environment["Skolnarvaro__Worker__NightlyCron"] = "";
        start.Environment["Skolnarvaro__Worker__DeliveryCron"] = "*/2 * * * * *";
        start.Environment["Skolnarvaro__Worker__QueuePollInterval"] = "00:00:00.500";
        start.Environment["Skolnarvaro__Worker__InvisibilityTimeout"] = "00:00:10";
        // A Hangfire lock left by a killed worker or a restarted PostgreSQL frees after this, not after a minute.
        start.Environment["Skolnarvaro__Worker__DistributedLockTimeout"] = "00:00:15";
        start.Environment["Skolnarvaro__Worker__RetryAttempts"] = "10";
        start.Environment["Skolnarvaro__Worker__RetryDelaysSeconds__0"] = "1";
        start.Environment["Skolnarvaro__Worker__RetryDelaysSeconds__1"] = "2";
        start.Environment["Skolnarvaro__Worker__RetryDelaysSeconds__2"] = "3";
        start.Environment["Skolnarvaro__Worker__Dashboard__Url"] = $"http://127.0.0.1:{port}";
        start.Environment["Skolnarvaro__Worker__Dashboard__Username"] = DashboardUser;
        start.Environment["Skolnarvaro__Worker__Dashboard__Password"] = DashboardPassword;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new WorkerProcess(start, port);
    }

    /// <summary>Waits until the worker serves its dashboard (it is then registered as a Hangfire server too).</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The worker exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, DashboardPort);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"The worker did not start within {timeout}:\n{Output}");
    }

    /// <summary>Waits until the worker has registered its recurring jobs (the nightly run, delivery, retraining, the term report).</summary>
    public Task WaitUntilSchedulesRegisteredAsync(TimeSpan timeout) =>
        Orchestration.OrchestrationHarness.WaitUntilAsync(
            () => HasExited
                ? throw new InvalidOperationException($"The worker exited with {process.ExitCode}:\n{Output}")
                : Task.FromResult(Output.Contains("Recurring jobs registered", StringComparison.Ordinal)),
            timeout, $"the worker to register its recurring jobs:\n{Output}");

    /// <summary>Waits for a worker that is expected to stop by itself (a refused start) and returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The worker did not stop within {timeout}:\n{Output}");
        }

        process.WaitForExit(); // and the output is read to its end
        return (process.ExitCode, Output);
    }

    /// <summary>SIGSTOP: the process stands still where it is (connections, transactions and locks held) until <see cref="Resume"/>.</summary>
    public void Suspend() => Signal("STOP");

    /// <summary>SIGTERM: a shutdown as systemd asks for it; wait for it with <see cref="WaitForExitAsync"/>.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>SIGCONT after <see cref="Suspend"/>.</summary>
    public void Resume() => Signal("CONT");

    /// <summary>SIGKILL: the process gets no chance to clean up, as in a power cut or an OOM kill.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {Pid} failed with {kill.ExitCode}.");
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
