using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>Debian's headless Chromium through chromedriver, as the browser tests drive it.</summary>
public static class Chromium
{
    public static ChromeDriver Start()
    {
        // An explicit driver path keeps Selenium Manager off the network.
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        // The console is read for Content-Security-Policy violations.
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900", "--lang=sv-SE");
        return new ChromeDriver(service, options, TimeSpan.FromMinutes(1));
    }

    /// <summary>
    /// Clicks a form's submit button and waits until the browser has left the page. Click returns once the click is
    /// dispatched, not when the answer has loaded: reading the page straight after found the old page's elements, which
    /// went stale under the reader on a loaded machine (StaleElementReferenceException).
    /// </summary>
    public static void SubmitAndWait(this ChromeDriver browser, IWebElement button)
    {
        var page = browser.FindElement(By.TagName("html"));
        button.Click();
        new WebDriverWait(browser, TimeSpan.FromMinutes(1)).Until(driver => IsGone(page) && driver is IJavaScriptExecutor js
            && js.ExecuteScript("return document.readyState") is "complete");
    }

    private static bool IsGone(IWebElement element)
    {
        try
        {
            _ = element.Enabled; // any command on an element of a page that is gone throws
            return false;
        }
        catch (StaleElementReferenceException)
        {
            return true;
        }
    }
}
