using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Web.Tests;

/// <summary>Every page an endpoint can name has its template loaded and rendered as the host starts, not at a rektor's request.</summary>
public sealed class PageTemplatesTests : IDisposable
{
    private readonly TempDirectory folder = TestFiles.CreateTempDirectory("web-pages");

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task The_shipped_templates_let_the_host_start()
    {
        using var host = Build(TestFiles.InRepo("templates"));

        await host.StartAsync();

        await host.StopAsync();
    }

    [Theory]
    [InlineData(WebPage.Pupil)]
    [InlineData(WebPage.Huvudman)]
    public async Task A_missing_page_template_stops_the_host_at_start_naming_the_file_and_the_setting(WebPage page)
    {
        var web = Directory.CreateDirectory(Path.Combine(folder.Path, "web")).FullName;
        foreach (var file in Directory.GetFiles(TestFiles.InRepo("templates", "web")))
        {
            File.Copy(file, Path.Combine(web, Path.GetFileName(file)));
        }

        File.Delete(Path.Combine(web, WebRenderer.TemplateFile(page)));
        using var host = Build(folder.Path);

        var error = await host.Invoking(h => h.StartAsync()).Should().ThrowAsync<TemplateException>();

        error.Which.Message.Should().Be($"{Path.Combine(web, WebRenderer.TemplateFile(page))}: template file not found (Skolnarvaro:Notifications:TemplateFolder).");
    }

    private static IHost Build(string templates)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Skolnarvaro:Notifications:TemplateFolder"] = templates });
        builder.Services.AddWeb(builder.Configuration, templates);
        return builder.Build();
    }
}
