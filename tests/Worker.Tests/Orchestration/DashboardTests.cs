using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Skolnarvaro.TestSupport;
using static Skolnarvaro.Worker.Tests.Orchestration.OrchestrationHarness;

namespace Skolnarvaro.Worker.Tests.Orchestration;

/// <summary>The dashboard of a real worker process, with the operator's Basic credentials.</summary>
[Collection(WorkerProcessCollection.Name)]
public sealed partial class DashboardTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime, IDisposable
{
    private static readonly AuthenticationHeaderValue Operator =
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{WorkerProcess.DashboardUser}:{WorkerProcess.DashboardPassword}")));

    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("dashboard");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_dashboard_POST_with_valid_credentials_but_without_the_antiforgery_token_is_refused()
    {
        using var worker = WorkerProcess.Start(db, SampleSchools, temp.Path, settings: SampleSettings());
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{worker.DashboardPort}"),
        };
        http.DefaultRequestHeaders.Authorization = Operator;

        // What a page on another site could make the operator's browser send: the credentials, but not the token.
        var forged = await http.PostAsync("/hangfire/recurring/trigger", new FormUrlEncodedContent([new("jobs[]", "deliver")]));

        // The dashboard's own page carries the token (and sets its cookie); with it the same POST works.
        var page = await (await http.GetAsync("/hangfire/recurring")).Content.ReadAsStringAsync();
        var header = AntiforgeryHeader().Match(page).Groups[1].Value;
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        var genuine = new HttpRequestMessage(HttpMethod.Post, "/hangfire/recurring/trigger")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", "deliver")]),
        };
        genuine.Headers.Add(header, WebUtility.HtmlDecode(token));
        var accepted = await http.SendAsync(genuine);

        forged.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        token.Should().NotBeEmpty("the dashboard's pages carry the antiforgery token");
        ((int)accepted.StatusCode).Should().BeInRange(200, 299, worker.Output);
    }

    [Fact]
    public async Task No_dashboard_path_answers_500_not_even_a_GET_on_a_form_endpoint_such_as_stats()
    {
        using var worker = WorkerProcess.Start(db, SampleSchools, temp.Path, settings: SampleSettings());
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{worker.DashboardPort}") };
        http.DefaultRequestHeaders.Authorization = Operator;
        string[] paths =
        [
            "/", "/hangfire", "/hangfire/stats", "/hangfire/jobs/enqueued", "/hangfire/jobs/scheduled", "/hangfire/jobs/processing",
            "/hangfire/jobs/succeeded", "/hangfire/jobs/failed", "/hangfire/jobs/deleted", "/hangfire/jobs/awaiting",
            "/hangfire/jobs/details/999999", "/hangfire/jobs/details/not-a-job", "/hangfire/recurring", "/hangfire/recurring/details/deliver",
            "/hangfire/recurring/details/no-such-job", "/hangfire/retries", "/hangfire/servers", "/hangfire/queues",
            "/hangfire/recurring/trigger", "/hangfire/jobs/enqueued/requeue", "/hangfire/jobs/failed/delete", "/hangfire/js", "/hangfire/css",
            "/hangfire/fonts/glyphicons-halflings-regular/eot", "/hangfire/no-such-page",
        ];

        var answers = new List<string>();
        foreach (var path in paths)
        {
            var response = await http.GetAsync(path);
            answers.Add($"{(int)response.StatusCode} GET {path}");
        }

        var stats = await http.GetAsync("/hangfire/stats");

        answers.Should().NotContain(a => a.StartsWith("500", StringComparison.Ordinal), worker.Output);
        stats.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed, "the statistics are posted by the dashboard's own script");
        worker.Output.Should().NotContain("   at ", "a client's mistake is logged in one line, without a stack trace");
    }

    [Fact]
    public async Task Every_dashboard_answer_carries_a_content_security_policy_that_allows_no_inline_script_or_framing()
    {
        using var worker = WorkerProcess.Start(db, SampleSchools, temp.Path, settings: SampleSettings());
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));
        using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{worker.DashboardPort}") };
        using var signedIn = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{worker.DashboardPort}") };
        signedIn.DefaultRequestHeaders.Authorization = Operator;

        var answers = new List<string>();
        foreach (var (client, path) in new[] { (anonymous, "/hangfire"), (signedIn, "/hangfire"), (signedIn, "/hangfire/recurring"),
            (signedIn, "/hangfire/jobs/succeeded"), (signedIn, "/hangfire/servers"), (signedIn, "/hangfire/js"), (signedIn, "/hangfire/no-such-page") })
        {
            using var response = await client.GetAsync(path);
            var policy = response.Headers.TryGetValues("Content-Security-Policy", out var values) ? string.Join(",", values) : "";
            answers.Add($"{(int)response.StatusCode} {path}: {policy}");
        }

        answers.Should().HaveCount(7).And.OnlyContain(a => a.Contains("script-src 'self'", StringComparison.Ordinal)
            && a.Contains("frame-ancestors 'none'", StringComparison.Ordinal) && !a.Contains("unsafe-eval", StringComparison.Ordinal)
            && !a.Contains("script-src 'self' 'unsafe-inline'", StringComparison.Ordinal));
        answers[0].Should().StartWith("401");
    }

    [GeneratedRegex("<meta name=\"csrf-header\" content=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryHeader();

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
