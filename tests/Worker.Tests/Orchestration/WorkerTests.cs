using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Skolnarvaro.TestSupport;
using static Skolnarvaro.Worker.Tests.Orchestration.OrchestrationHarness;

namespace Skolnarvaro.Worker.Tests.Orchestration;

/// <summary>
/// Real <c>skolnarvaro worker</c> processes (Hangfire on the test's PostgreSQL) run the nightly job over the bundled
/// sample: one job per school, the fan-in, sending through a real SMTP server.
/// </summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class WorkerTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("worker");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_nightly_run_over_the_sample_schools_completes_on_a_worker_and_each_digest_arrives_once()
    {
        using var smtp = SmtpSink.StartNew();
        // The term-end job every 5 seconds here, so that it runs while the test watches.
        using var worker = WorkerProcess.Start(db, SampleSchools, temp.Path, smtp.Port,
            settings: SampleSettings(new Dictionary<string, string> { ["Skolnarvaro__Worker__TermReportCron"] = "*/5 * * * * *" }));
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));

        var runId = await TriggerAsync(db, temp.Path);
        var status = await WaitForRunAsync(db.DataSource, runId, RunTimeout, () => worker.Output);

        status.Should().Be("Succeeded", worker.Output);
        (await FingerprintAsync(db.DataSource)).Should().Be(await CleanReferenceAsync(), "the worker's run leaves what a clean run-once leaves");
        await smtp.WaitForMessagesAsync(DemoDigests, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3)); // the delivery job runs every 2 s: nothing more may come
        DigestMessageIds(smtp).Should().HaveCount(DemoDigests).And.OnlyHaveUniqueItems();
        (await CountAsync(db.DataSource, $"select count(*) from run_school where run_id = {runId} and status = 'Imported' and analyzed_at is not null"))
            .Should().Be(6);

        var report = Path.Combine(temp.Path, "out", "reports", "HT2026", "terminsrapport-HT2026.html");
        await WaitUntilAsync(() => Task.FromResult(File.Exists(report) && File.ReadAllText(report).Contains("Tallåsens skola", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the recurring term-report job to write the report with the run's schools");
    }

    [Fact]
    public async Task Two_workers_split_the_school_jobs_and_none_is_done_twice()
    {
        using var smtp = SmtpSink.StartNew();
        var oneJobAtATime = SampleSettings(new Dictionary<string, string> { ["Skolnarvaro__Worker__WorkerCount"] = "1" });
        using var first = WorkerProcess.Start(db, SampleSchools, temp.Path, smtp.Port, settings: oneJobAtATime);
        using var second = WorkerProcess.Start(db, SampleSchools, temp.Path, smtp.Port, settings: oneJobAtATime);
        await first.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));
        await second.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));

        var runId = await TriggerAsync(db, temp.Path);
        var status = await WaitForRunAsync(db.DataSource, runId, RunTimeout, () => first.Output + second.Output);

        status.Should().Be("Succeeded");
        (await CountAsync(db.DataSource, $"select count(distinct worker) from run_school where run_id = {runId}"))
            .Should().Be(2, "both workers took school jobs");
        (await CountAsync(db.DataSource, $"select count(*) from run_school where run_id = {runId} and attempts <> 1"))
            .Should().Be(0, "every school was imported once");
        (await CountAsync(db.DataSource, """
            select count(*) from (select jobid from hangfire.state where name = 'Processing' group by jobid having count(*) > 1) twice
            """))
            .Should().Be(0, "no Hangfire job was processed twice");
        (await FingerprintAsync(db.DataSource)).Should().Be(await CleanReferenceAsync());
        await smtp.WaitForMessagesAsync(DemoDigests, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3));
        DigestMessageIds(smtp).Should().HaveCount(DemoDigests).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task The_dashboard_refuses_requests_without_the_right_credentials_and_serves_those_with_them()
    {
        using var worker = WorkerProcess.Start(db, SampleSchools, temp.Path, settings: SampleSettings());
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{worker.DashboardPort}") };

        var anonymous = await http.GetAsync("/hangfire");
        var wrong = await SendAsync(http, "/hangfire", WorkerProcess.DashboardUser, "not-the-password");
        var anonymousApi = await http.GetAsync("/hangfire/stats");
        var right = await SendAsync(http, "/hangfire", WorkerProcess.DashboardUser, WorkerProcess.DashboardPassword);

        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        anonymous.Headers.WwwAuthenticate.Should().ContainSingle().Which.Scheme.Should().Be("Basic");
        wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        anonymousApi.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        right.StatusCode.Should().Be(HttpStatusCode.OK);
        (await right.Content.ReadAsStringAsync()).Should().Contain("Skolnärvaro");
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string user, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return http.SendAsync(request);
    }
}

/// <summary>
/// Tests that start worker processes run one class at a time: each worker wants both cores for a while. The production
/// lane's workers, which mostly wait for their fake clock to reach 02:00, are a collection of their own
/// (<see cref="Production.ProductionLaneCollection"/>) and run beside these.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WorkerProcessCollection
{
    public const string Name = "worker processes";
}
