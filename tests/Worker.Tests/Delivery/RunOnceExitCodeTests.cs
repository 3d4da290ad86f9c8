using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Skolnarvaro.Notifications.Tests.Delivery;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests.Delivery;

/// <summary>A script trusts `run-once`'s exit code: a run whose digests did not reach the SMTP server is not a success.</summary>
public sealed class RunOnceExitCodeTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Run_once_exits_1_when_every_digest_failed_to_reach_SMTP_and_0_once_they_are_delivered()
    {
        using var temp = TestFiles.CreateTempDirectory("exit-code");
        var recorded = new OutboxHarness(db.DataSource, new ManualClock(DateTimeOffset.UtcNow.AddMinutes(-1)));
        await recorded.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Åke Öst", "rektor@angsskolan.example.se"));

        var (down, downOutput) = await RunOnceAsync(temp, NothingListens());
        // The failed digest waits for its retry; another one is due now, for the next run to deliver.
        await recorded.EnqueueDigestAsync("22222222", "Björkskolan", 1, ("Lena Björk", "rektor@bjorkskolan.example.se"));
        using var smtp = SmtpSink.StartNew();
        var (up, upOutput) = await RunOnceAsync(temp, smtp.Port);

        down.Should().Be(1, downOutput);
        downOutput.Should().Contain("1 failed (kept in the outbox, retried later)");
        up.Should().Be(0, upOutput);
        upOutput.Should().Contain("1 mails delivered to").And.NotContain("failed (kept in the outbox");
        (await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10))).Should().ContainSingle();
    }

    private async Task<(int ExitCode, string Output)> RunOnceAsync(TempDirectory home, int smtpPort)
    {
        var schools = PipelineHost.WriteSchoolsFile(home.Path, new TestSchool("99999999", "Tomma skolan", "rektor@tomma.example.se"));
        var start = PipelineHost.CliStartInfo(db, schools, home.Path, "run-once", "--as-of", "2026-11-20");
        start.Environment["Skolnarvaro__Notifications__Smtp__Host"] = "127.0.0.1";
        start.Environment["Skolnarvaro__Notifications__Smtp__Port"] = smtpPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Skolnarvaro__Notifications__Smtp__Security"] = "None";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(patience.Token);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>A loopback port that was free a moment ago: a connection to it is refused at once.</summary>
    private static int NothingListens()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
