using System.Diagnostics;
using System.Text;
using MimeKit;
using Skolnarvaro.Notifications.Delivery;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Notifications.Tests.Delivery;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests.Delivery;

/// <summary>
/// The crash window: a real <c>skolnarvaro run-once</c> process is killed after the SMTP server has accepted and stored
/// a digest, before the sender heard the 250 and marked it sent. The documented outcome: the digest is sent again once
/// its lease has run out, so it arrives twice at most, both copies with the same Message-Id; nothing is lost.
/// </summary>
public sealed class SenderCrashTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly StringBuilder output = new();

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_sender_killed_between_the_servers_acceptance_and_the_sent_mark_causes_at_most_one_duplicate_with_the_same_Message_Id()
    {
        using var smtp = SmtpSink.StartNew();
        await using var proxy = new ReplyHoldingProxy(smtp.Port);
        using var temp = TestFiles.CreateTempDirectory("sender-crash");
        // Recorded a minute ago by the real clock, so they are due for the worker process.
        var recorded = new OutboxHarness(db.DataSource, new ManualClock(DateTimeOffset.UtcNow.AddMinutes(-1)));
        var first = await recorded.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Åke Öst", "rektor@angsskolan.example.se"));
        var second = await recorded.EnqueueDigestAsync("22222222", "Björkskolan", 1, ("Lena Björk", "rektor@bjorkskolan.example.se"));

        using (var worker = StartRunOnce(temp, proxy.Port))
        {
            try
            {
                var done = await Task.WhenAny(proxy.MessageSent.Task, worker.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
                done.Should().BeSameAs(proxy.MessageSent.Task, $"the worker should have sent a digest; it printed:\n{Output}");
                await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10));
            }
            finally
            {
                // The server has the mail; its 250 is held back, so the worker is waiting to hear it. Kill it there.
                worker.Kill(entireProcessTree: true);
                await worker.WaitForExitAsync();
            }
        }

        var killedAttempt = await recorded.RowAsync(first);
        killedAttempt.Should().BeEquivalentTo(new { Attempts = 1, SentAt = (DateTimeOffset?)null, InterruptedAttempts = 0 });
        killedAttempt.ClaimToken.Should().NotBeNull("the attempt started and never recorded an outcome");
        (await recorded.RowAsync(second)).Attempts.Should().Be(0, "the worker died before reaching it");

        // A later sender, once the killed sender's lease has run out.
        var later = new OutboxHarness(db.DataSource, new ManualClock(DateTimeOffset.UtcNow + new DeliverySettings().Lease + TimeSpan.FromMinutes(1)));
        await using (var transport = new SmtpTransport(OutboxHarness.PlainSmtp(smtp)))
        {
            (await later.Sender().DeliverDueAsync(transport)).Should().Be(new DeliveryResult(2, 0));
            (await later.Sender().DeliverDueAsync(transport)).Should().Be(new DeliveryResult(0, 0));
        }

        var ids = (await smtp.WaitForMessagesAsync(3, TimeSpan.FromSeconds(10)))
            .Select(m => MimeMessage.Load(new MemoryStream(m.Raw)).MessageId).ToList();
        ids.Should().BeEquivalentTo([$"{first}@skolnarvaro", $"{first}@skolnarvaro", $"{second}@skolnarvaro"],
            "the interrupted digest arrives twice with one Message-Id, the other once");
        (await later.RowAsync(first)).Should().BeEquivalentTo(new { Attempts = 2, InterruptedAttempts = 1, LastError = (string?)null, ClaimToken = (Guid?)null });
        (await later.RowAsync(first)).SentAt.Should().NotBeNull();
        (await later.RowAsync(second)).Should().BeEquivalentTo(new { Attempts = 1, InterruptedAttempts = 0 });
    }

    private string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    private Process StartRunOnce(TempDirectory home, int smtpPort)
    {
        var schools = PipelineHost.WriteSchoolsFile(home.Path, new TestSchool("99999999", "Tomma skolan", "rektor@tomma.example.se"));
        var start = PipelineHost.CliStartInfo(db, schools, home.Path, "run-once", "--as-of", "2026-11-20");
        start.Environment["Skolnarvaro__Notifications__Smtp__Host"] = "127.0.0.1";
        start.Environment["Skolnarvaro__Notifications__Smtp__Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Skolnarvaro__Notifications__Smtp__Security"] = "None";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Append(string? line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
