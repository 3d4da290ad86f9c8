using Microsoft.Extensions.Options;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Skolnarvaro.Web;
using Skolnarvaro.Worker.Tests.Orchestration;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>
/// A rektor in a real headless Chromium (Debian's chromium and chromium-driver): from the link in a digest the test SMTP server
/// received, to the school's list, a pupil, "Utredning inledd" — and the next digest does not remind about that pupil.
/// </summary>
[Collection(RektorPageCollection.Name)]
public sealed class RektorBrowserTests(RektorPageFixture fixture) : IDisposable
{
    private const string School = "33726561"; // Björkskolan
    private readonly ChromeDriver browser = Chromium.Start();

    public void Dispose() => browser.Quit();

    [Fact]
    public async Task A_rektor_follows_the_digest_link_records_an_investigation_and_the_next_digest_does_not_remind()
    {
        var digest = fixture.Digests.First(d => d.School == School);
        browser.Navigate().GoToUrl(digest.Link);
        browser.SubmitAndWait(browser.FindElement(By.CssSelector("button.primary")));

        browser.Url.Should().EndWith($"/skola/{School}");
        browser.FindElement(By.TagName("h1")).Text.Should().Be("Björkskolan");
        var pupils = browser.FindElements(By.CssSelector("table.list td.name a")).Select(a => a.GetAttribute("href")!).ToList();
        pupils.Should().NotBeEmpty().And.OnlyContain(h => h.Contains($"/skola/{School}/elev/", StringComparison.Ordinal));
        browser.FindElements(By.CssSelector("header nav a")).Select(a => a.Text).Should().Equal("Björkskolan");

        var pupil = pupils[0];
        var key = pupil[^64..];
        digest.Text.Should().Contain($"ref. {RektorPageFixture.DigestReference(key)}", "the first pupil on the list is in the go-live digest");
        browser.Navigate().GoToUrl(pupil);
        browser.FindElement(By.CssSelector("svg[aria-label='Frånvaro per vecka']")).Should().NotBeNull();
        browser.SubmitAndWait(browser.FindElement(By.CssSelector("form input[name='steg'][value='Started']"))
            .FindElement(By.XPath("..")).FindElement(By.CssSelector("button[value='spara']")));

        browser.Url.Should().Be(pupil + "?sparat=Started");
        browser.FindElement(By.CssSelector(".steps .saved")).Text.Should().StartWith("Sparat: Utredning inledd ", "a save says what it saved");
        browser.FindElement(By.CssSelector(".steps")).Text.Should().Contain("Utredning inledd")
            .And.NotContain("Registrera först att utredningen har inletts", "the steps that need only the start are open now");
        browser.FindElement(By.CssSelector(".steps details summary")).Text.Should().Be("Ändringar (1)");

        // "Ta bort" asks first; leaving the question removes nothing.
        browser.SubmitAndWait(browser.FindElement(By.CssSelector("form input[name='steg'][value='Started']"))
            .FindElement(By.XPath("..")).FindElement(By.CssSelector("button[value='ta-bort']")));
        browser.FindElement(By.CssSelector(".steps form.error")).Text.Should().Contain("Ta bort utredning inledd").And.Contain("Ja, ta bort");
        browser.Navigate().GoToUrl(pupil);
        browser.FindElement(By.CssSelector(".steps details summary")).Text.Should().Be("Ändringar (1)", "the question was not answered");

        // A form posted without its antiforgery field (as another site's form would be): refused, nothing recorded.
        browser.ExecuteScript("document.querySelectorAll(\"input[name='__skolnarvaro']\").forEach(e => e.remove());");
        browser.SubmitAndWait(browser.FindElement(By.CssSelector("form input[name='steg'][value='Reported']"))
            .FindElement(By.XPath("..")).FindElement(By.CssSelector("button[value='spara']")));
        browser.FindElement(By.TagName("h1")).Text.Should().Be("Begäran kunde inte tas emot");
        browser.Navigate().GoToUrl(pupil);
        browser.FindElement(By.CssSelector(".steps details summary")).Text.Should().Be("Ändringar (1)", "the refused post recorded nothing");

        // Another school's pupil, by address: the Swedish refusal, nothing of the pupil.
        var foreign = await ForeignPupilAsync();
        browser.Navigate().GoToUrl($"{fixture.BaseUrl}/skola/85835001/elev/{foreign}");
        browser.FindElement(By.TagName("h1")).Text.Should().Be("Ingen behörighet");

        // Two weeks on, the cool-down has passed: everyone still at a level is reminded, except the pupil under investigation.
        fixture.Smtp.Clear();
        var (exit, log) = await fixture.RunOnceAsync(new DateOnly(2026, 12, 4));
        exit.Should().Be(0, log);
        var mails = await fixture.Smtp.WaitForMessagesAsync(8, TimeSpan.FromMinutes(1));
        var next = mails.Select(m => MimeKit.MimeMessage.Load(new MemoryStream(m.Raw)))
            .First(m => m.To.Mailboxes.Single().Address == digest.Email).TextBody!;
        next.Should().Contain("Påminnelse: ");
        next.Should().NotContain($"ref. {RektorPageFixture.DigestReference(key)}");
    }

    [Fact]
    public void A_tampered_or_expired_link_opens_the_Swedish_error_page_and_no_session()
    {
        var digest = fixture.Digests.First(d => d.School == School);
        browser.Navigate().GoToUrl(digest.Link[..^3] + "AAA");
        browser.FindElement(By.TagName("h1")).Text.Should().Be("Länken är ogiltig");

        var links = new SignInLinks(Options.Create(new WebOptions { PublicUrl = fixture.BaseUrl, LinkKey = RektorPageFixture.LinkKey }),
            null!, TimeProvider.System);
        var expired = links.Token(digest.Email, [School], DateTimeOffset.UtcNow.AddDays(-1));
        browser.Navigate().GoToUrl($"{fixture.BaseUrl}/in?t={expired}");
        browser.FindElement(By.TagName("h1")).Text.Should().Be("Länken har gått ut");

        browser.Navigate().GoToUrl($"{fixture.BaseUrl}/skola/{School}");
        browser.FindElement(By.TagName("h1")).Text.Should().Be("Logga in");
        browser.PageSource.Should().NotContain("/elev/");
    }

    [Fact]
    public void The_Hangfire_dashboard_runs_its_own_scripts_under_its_content_security_policy_without_a_violation()
    {
        var port = new Uri(fixture.BaseUrl).Port;
        browser.Navigate().GoToUrl($"http://{WorkerProcess.DashboardUser}:{WorkerProcess.DashboardPassword}@127.0.0.1:{port}/hangfire/recurring");
        new WebDriverWait(browser, TimeSpan.FromMinutes(1)).Until(d => ((IJavaScriptExecutor)d).ExecuteScript("return document.readyState") is "complete");

        browser.FindElement(By.TagName("h1")).Text.Should().NotBeEmpty();
        browser.ExecuteScript("return typeof window.Hangfire").Should().Be("object", "the dashboard's own script ran");
        browser.Manage().Logs.GetLog(LogType.Browser).Select(e => e.Message)
            .Should().NotContain(m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }

    private async Task<string> ForeignPupilAsync()
    {
        await using var cmd = fixture.Db.DataSource.CreateCommand("select encode(pupil_key, 'hex') from enrolment where skolenhetskod = '85835001' limit 1");
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
