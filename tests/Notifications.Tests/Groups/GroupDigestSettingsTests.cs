using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Notifications.Tests.Groups;

/// <summary>The mentors' and elevhälsan's digests: defaults that need no configuration, overridable per group, checked at start.</summary>
public sealed class GroupDigestSettingsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings) => new ServiceCollection()
        .AddSingleton(TimeProvider.System)
        .AddLogging()
        .AddSingleton(NpgsqlDataSource.Create("Host=127.0.0.1")) // never opened
        .AddNotifications(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?>(settings) { ["Skolnarvaro:Notifications:TemplateFolder"] = TestFiles.InRepo("templates") }).Build(), Path.GetTempPath())
        .BuildServiceProvider();

    private static DigestSettings Digest(ServiceProvider services) => services.GetRequiredService<IOptions<NotificationOptions>>().Value.Digest;

    [Fact]
    public void Without_configuration_mentors_get_every_level_and_elevhalsan_hog_franvaro_and_long_spells_weekly_with_the_rektorer()
    {
        using var services = Services([]);
        var digest = Digest(services);

        var mentor = digest.ForGroup(RecipientGroup.Mentor);
        var eht = digest.ForGroup(RecipientGroup.Elevhalsan);

        mentor.Levels.Should().Equal("High", "AtRisk", "Trend");
        mentor.LongSpells.Should().BeFalse();
        eht.Levels.Should().Equal("High");
        eht.LongSpells.Should().BeTrue();
        eht.Holds("AtRisk", longSpell: true).Should().BeTrue();
        eht.Holds("AtRisk", longSpell: false).Should().BeFalse();
        foreach (var rules in new[] { mentor, eht })
        {
            rules.Enabled.Should().BeTrue();
            rules.Schedule.For("12345678").Should().BeEquivalentTo(digest.For("12345678"));
        }
    }

    [Fact]
    public void A_group_overrides_its_levels_and_cadence_and_the_other_group_keeps_the_rektorers_per_school_schedule()
    {
        // Bound as the start binds it; the per-school key needs a registry, which the validation tests have no use for.
        var digest = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Skolnarvaro:Notifications:Digest:Schools:12345678:Weekday"] = "Thursday",
            ["Skolnarvaro:Notifications:Digest:Mentor:Levels:0"] = "High",
            ["Skolnarvaro:Notifications:Digest:Mentor:Levels:1"] = "AtRisk",
            ["Skolnarvaro:Notifications:Digest:Mentor:Schedule"] = "Weekly",
            ["Skolnarvaro:Notifications:Digest:Mentor:Weekday"] = "Friday",
            ["Skolnarvaro:Notifications:Digest:Elevhalsan:MaxPupils"] = "5",
        }).Build().GetSection(NotificationOptions.Section).Get<NotificationOptions>()!.Digest;

        var mentor = digest.ForGroup(RecipientGroup.Mentor);
        mentor.Levels.Should().Equal("High", "AtRisk");
        mentor.Schedule.For("12345678").Days.Should().BeEquivalentTo([DayOfWeek.Friday]);
        var eht = digest.ForGroup(RecipientGroup.Elevhalsan);
        eht.MaxPupils.Should().Be(5);
        eht.Schedule.For("12345678").Days.Should().BeEquivalentTo([DayOfWeek.Thursday]);
    }

    [Fact]
    public void A_level_that_does_not_exist_or_no_cards_stops_the_start_naming_the_groups_key_and_value()
    {
        using var services = Services(new()
        {
            ["Skolnarvaro:Notifications:Digest:Mentor:Levels:0"] = "High",
            ["Skolnarvaro:Notifications:Digest:Mentor:Levels:1"] = "Hög",
            ["Skolnarvaro:Notifications:Digest:Elevhalsan:MaxPupils"] = "0",
        });

        var read = () => services.GetRequiredService<IOptions<NotificationOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().Which.Failures.Should().Equal(
            "Skolnarvaro:Notifications:Digest:Mentor:Levels:1 = 'Hög': expected High, AtRisk or Trend.",
            "Skolnarvaro:Notifications:Digest:Elevhalsan:MaxPupils = 0: must be at least 1.");
    }

    [Fact]
    public void The_teams_digest_goes_weekly_with_the_rektorer_and_levels_set_for_it_stop_the_start()
    {
        using (var services = Services([]))
        {
            var team = Digest(services).ForGroup(RecipientGroup.Skolnarvaroteam);
            team.Enabled.Should().BeTrue();
            team.MaxPupils.Should().Be(20);
            team.Schedule.For("12345678").Days.Should().BeEquivalentTo([DayOfWeek.Monday]);
        }

        using var wrong = Services(new() { ["Skolnarvaro:Notifications:Digest:Skolnarvaroteam:Levels:0"] = "High" });
        var read = () => wrong.GetRequiredService<IOptions<NotificationOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle()
            .Which.Should().StartWith("Skolnarvaro:Notifications:Digest:Skolnarvaroteam: Levels and LongSpells do not apply");
    }
}
