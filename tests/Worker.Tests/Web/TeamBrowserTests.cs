using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>
/// The hand-off in a real headless Chromium: a rektor records the school's steps and "Stöd begärt från skolnärvaroteamet", and
/// the team's link then shows that pupil in the team's view, where the team records "Stöd påbörjat".
/// </summary>
[Collection(RektorPageCollection.Name)]
public sealed class TeamBrowserTests(RektorPageFixture fixture) : IDisposable
{
    private const string School = "85835001"; // Ekdalsskolan, served by the team
    private readonly ChromeDriver browser = StartChromium();

    public void Dispose() => browser.Quit();

    private static ChromeDriver StartChromium()
    {
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900", "--lang=sv-SE");
        return new ChromeDriver(service, options, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void A_rektor_requests_support_and_the_teams_link_then_shows_the_pupil_in_the_teams_view()
    {
        browser.Navigate().GoToUrl(fixture.Digests.First(d => d.School == School).Link);
        browser.SubmitAndWait(browser.FindElement(By.CssSelector("button.primary")));
        var pupil = browser.FindElements(By.CssSelector("table.list td.name a")).Select(a => a.GetAttribute("href")!).Last();
        var name = browser.FindElements(By.CssSelector("table.list td.name a")).Last().Text;
        browser.Navigate().GoToUrl(pupil);
        browser.FindElement(By.CssSelector(".steps")).Text.Should().Contain("Stöd begärt från skolnärvaroteamet").And.Contain("Registrera först anmälan till huvudmannen.");

        foreach (var step in new[] { "Started", "Reported", "SupportRequested" })
        {
            browser.SubmitAndWait(StepForm(step).FindElement(By.CssSelector("button[value='spara']")));
            browser.FindElement(By.CssSelector(".steps .saved")).Text.Should().StartWith("Sparat: ");
        }

        browser.FindElement(By.CssSelector(".steps")).Text.Should().Contain("Stöd påbörjat").And.Contain("Registreras av skolnärvaroteamet.");
        StepForm("SupportStarted").FindElements(By.CssSelector("button")).Should().BeEmpty("the rektor does not record the team's steps");
        browser.SubmitAndWait(browser.FindElement(By.CssSelector("form[action='/logga-ut'] button")));

        browser.Navigate().GoToUrl(fixture.TeamLink());
        browser.SubmitAndWait(browser.FindElement(By.CssSelector("button.primary")));
        browser.Url.Should().EndWith("/skolnarvaroteam");
        var card = browser.FindElement(By.Id($"elev-{School}-{pupil[^64..]}"));
        card.FindElement(By.TagName("h2")).Text.Should().StartWith(name).And.EndWith("Ekdalsskolan");
        card.Text.Should().Contain("Stöd begärt ").And.Contain("Skolans steg: Utredning inledd");

        browser.SubmitAndWait(card.FindElement(By.CssSelector("input[name='steg'][value='SupportStarted']")).FindElement(By.XPath(".."))
            .FindElement(By.CssSelector("button[value='spara']")));
        browser.FindElement(By.CssSelector(".saved")).Text.Should().Be("Sparat.");
        browser.FindElement(By.Id($"elev-{School}-{pupil[^64..]}")).Text.Should().NotContain("Stöd påbörjat\ninte registrerat");
    }

    private IWebElement StepForm(string step) =>
        browser.FindElement(By.CssSelector($".steps form input[name='steg'][value='{step}']")).FindElement(By.XPath(".."));
}
