using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Templating;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Notifications.Tests.Recipients;

/// <summary>The digests' own settings: bound from Skolnarvaro:Notifications and checked at start with the key and value named.</summary>
public sealed class NotificationOptionsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings) => new ServiceCollection()
        .AddSingleton(TimeProvider.System)
        .AddLogging()
        .AddSingleton(NpgsqlDataSource.Create("Host=127.0.0.1")) // never opened: the digests' settings need no database
        .AddNotifications(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), Path.GetTempPath())
        .BuildServiceProvider();

    [Fact]
    public void The_reminder_cool_down_is_the_digests_setting_and_reaches_the_analysis_through_the_digests()
    {
        using var services = Services(new()
        {
            ["Skolnarvaro:Notifications:ReminderCooldownDays"] = "21",
            ["Skolnarvaro:Notifications:TemplateFolder"] = TestFiles.InRepo("templates"),
        });

        services.GetRequiredService<IOptions<NotificationOptions>>().Value.ReminderCooldownDays.Should().Be(21);
        services.GetRequiredService<SchoolDigests>().ReminderCooldownDays.Should().Be(21);
    }

    [Fact]
    public void A_reminder_cool_down_under_one_day_or_a_name_display_out_of_range_stops_the_start_naming_key_and_value()
    {
        using var services = Services(new()
        {
            ["Skolnarvaro:Notifications:ReminderCooldownDays"] = "0",
            ["Skolnarvaro:Notifications:NameDisplay"] = "7",
        });

        var read = () => services.GetRequiredService<IOptions<NotificationOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().Which.Failures.Should().Equal(
            "Skolnarvaro:Notifications:NameDisplay = 7: expected Full, FirstNameInitialClass or None.",
            "Skolnarvaro:Notifications:ReminderCooldownDays = 0: must be at least 1.");
    }

    [Fact]
    public void The_template_folder_defaults_to_templates_beside_the_home_folder_as_for_every_other_stage()
    {
        using var services = Services([]);

        services.GetRequiredService<IOptions<NotificationOptions>>().Value.TemplateFolder
            .Should().Be(TemplateFolders.Resolve(null, Path.GetTempPath())).And.Be(Path.Combine(Path.GetTempPath(), "templates"));
    }
}
