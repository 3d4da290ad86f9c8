using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Skolnarvaro.Schools;
using static Skolnarvaro.Worker.Tests.Web.RektorPageFixture;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>
/// A mentor in a real headless Chromium: their personal link opens their classes' list, and only it — the rows counted against
/// the classes' pupils at a level in the database — and a pupil's page without the steps.
/// </summary>
[Collection(RektorPageCollection.Name)]
public sealed class MentorBrowserTests(RektorPageFixture fixture) : IDisposable
{
    private const string Mentor = "alexander.nystrom@ekdalsskolan.example.se"; // 5A and 5B in the sample's roster
    private readonly ChromeDriver browser = Chromium.Start();

    public void Dispose() => browser.Quit();

    [Fact]
    public async Task A_mentor_follows_their_link_and_sees_only_their_classes_pupils()
    {
        browser.Navigate().GoToUrl(fixture.LinkFor(Ekdalsskolan, RecipientGroup.Mentor, Mentor));
        browser.FindElement(By.CssSelector("button.primary")).Text.Should().Be("Öppna dina klassers lista");
        browser.SubmitAndWait(browser.FindElement(By.CssSelector("button.primary")));

        browser.Url.Should().EndWith($"/skola/{Ekdalsskolan}");
        browser.FindElement(By.TagName("h1")).Text.Should().Be("Mentor för 5A och 5B, Ekdalsskolan");
        browser.FindElement(By.CssSelector("header .user")).Text.Should().Be("Alexander Nyström", "the roster's name for the address");
        var rows = browser.FindElements(By.CssSelector("table.list tbody tr"));
        var expected = await fixture.AtALevelAsync(Ekdalsskolan, ["5A", "5B"]);
        rows.Should().HaveCount(expected.Count);
        rows.Select(r => r.FindElement(By.CssSelector("td[data-label='Klass']")).Text).Should().OnlyContain(c => c == "5A" || c == "5B");
        rows.Select(r => r.FindElement(By.CssSelector("td.name a")).GetAttribute("href")![^64..]).Should().BeEquivalentTo(expected);
        browser.FindElements(By.CssSelector("table.list td.step")).Should().BeEmpty("a mentor's list shows no legal steps");
        browser.FindElement(By.CssSelector(".legal")).Text.Should().StartWith("Kontakta vårdnadshavarna");

        browser.FindElement(By.CssSelector("table.list td.name a")).Click();
        browser.FindElement(By.CssSelector("svg[aria-label='Frånvaro per vecka']")).Should().NotBeNull();
        browser.FindElements(By.CssSelector(".steps")).Should().BeEmpty();
        browser.FindElements(By.CssSelector("button[value='spara']")).Should().BeEmpty();
        browser.FindElement(By.CssSelector(".legal")).Text.Should().StartWith("Kontakta vårdnadshavarna", "what a mentor does first, in place of the steps");
        browser.FindElement(By.CssSelector("main > p.muted a")).Text.Should().Be("Mentor för 5A och 5B, Ekdalsskolan");
    }
}
