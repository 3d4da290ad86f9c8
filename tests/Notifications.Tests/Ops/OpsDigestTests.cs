using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Skolnarvaro.Notifications.Ops;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Notifications.Tests.Ops;

public sealed class OpsDigestTests
{
    private static readonly OpsDigestRenderer Renderer = new(TestFiles.InRepo("templates"));

    [Fact]
    public void The_run_report_lists_stale_rejected_and_failed_schools_first_with_the_reasons()
    {
        var (subject, text) = Renderer.Render(new OpsDigestModel(7, "20 november 2026", "Trendmodellen används inte: ingen aktiv modell.",
        [
            new OpsSchool("11111111", "Björkskolan", "kommunal", 5, 0, 5000, 3, "20 november 2026", false, "99 %", 2, 3, 0, true, null, []),
            new OpsSchool("22222222", "Tallåsens skola", "kommunal", 0, 0, 0, 0, "6 november 2026", true, null, 1, 1, 0, false, null, []),
            new OpsSchool("33333333", "Friskolan", "fristående", 1, 1, 10, 0, "20 november 2026", false, null, 0, 0, 0, false, null,
                ["vecka47.csv: rejected, nothing imported: 40 of 100 rows (40.0 %) are bad"]),
            new OpsSchool("44444444", "Trasiga skolan", "kommunal", 0, 0, 0, 0, null, true, null, 0, 0, 0, false, "inbox not readable", []),
        ]));

        subject.Should().Be("Skolnärvaro: körning #7 20 november 2026 – 3 skolor att se över");
        var problems = text[..text.IndexOf("Per skola:", StringComparison.Ordinal)];
        problems.Should().Contain("Tallåsens skola (22222222): ingen ny export sedan 6 november 2026")
            .And.Contain("Friskolan (33333333): 1 fil(er) avvisade")
            .And.Contain("vecka47.csv: rejected")
            .And.Contain("Trasiga skolan (44444444): körningen misslyckades: inbox not readable")
            .And.NotContain("Björkskolan");
        text.Should().Contain("Björkskolan (kommunal): 5 filer, 5000 rader").And.Contain("Trendmodellen används inte");
    }

    [Fact]
    public void A_run_without_problems_says_so()
    {
        var (subject, text) = Renderer.Render(new OpsDigestModel(8, "23 november 2026", "",
            [new OpsSchool("11111111", "Björkskolan", "kommunal", 1, 0, 900, 0, "23 november 2026", false, "99 %", 0, 0, 0, false, null, [])]));

        subject.Should().EndWith("inga problem");
        text.Should().Contain("Inga skolor att se över");
    }

    [Fact]
    public void A_mistyped_rektor_or_ops_address_stops_the_start_naming_its_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Skolnarvaro:Schools:0:Skolenhetskod"] = "11111111",
            ["Skolnarvaro:Schools:0:Name"] = "Björkskolan",
            ["Skolnarvaro:Schools:0:Rektorer:0:Email"] = "rektor.bjorkskolan.example.se",
            ["Skolnarvaro:Notifications:OpsAddress"] = "analys@",
            ["Skolnarvaro:Notifications:TemplateFolder"] = TestFiles.InRepo("templates"),
        }).Build();
        using var services = new ServiceCollection().AddSingleton(TimeProvider.System)
            .AddNotifications(configuration, TestFiles.RepoRoot).BuildServiceProvider();

        // What ValidateOnStart checks at a host's start: the registry (the rektorer's addresses) and the notifications' options.
        var readRegistry = () => services.GetRequiredService<IOptions<SchoolRegistryOptions>>().Value;
        var readNotifications = () => services.GetRequiredService<IOptions<NotificationOptions>>().Value;

        readRegistry.Should().Throw<OptionsValidationException>().Which.Message
            .Should().Contain("Skolnarvaro:Schools:0:Rektorer:0:Email = 'rektor.bjorkskolan.example.se'");
        readNotifications.Should().Throw<OptionsValidationException>().Which.Message
            .Should().Contain("OpsAddress = 'analys@'");
    }
}
