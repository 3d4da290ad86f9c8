using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Skolnarvaro.Notifications.Recipients;

namespace Skolnarvaro.Notifications.Tests.Delivery;

/// <summary>SMTP and retry settings, as bound from configuration and checked at start-up.</summary>
public sealed class DeliverySettingsTests
{
    [Fact]
    public void Security_port_credentials_timeouts_and_retries_bind_from_configuration()
    {
        var options = Bind(new()
        {
            ["Skolnarvaro:Notifications:Smtp:Host"] = "smtp.exempelstad.se",
            ["Skolnarvaro:Notifications:Smtp:Port"] = "465",
            ["Skolnarvaro:Notifications:Smtp:Security"] = "SslOnConnect",
            ["Skolnarvaro:Notifications:Smtp:Username"] = "skolnarvaro",
            ["Skolnarvaro:Notifications:Smtp:Password"] = "från-miljön",
            ["Skolnarvaro:Notifications:Smtp:Timeout"] = "00:00:10",
            ["Skolnarvaro:Notifications:Delivery:MaxAttempts"] = "3",
            ["Skolnarvaro:Notifications:Delivery:RetryBaseDelay"] = "00:05:00",
            ["Skolnarvaro:Notifications:Delivery:RetryMaxDelay"] = "00:30:00",
            ["Skolnarvaro:Notifications:Delivery:AttemptTimeout"] = "00:01:00",
        });

        options.Smtp.Should().BeEquivalentTo(new SmtpSettings
        {
            Host = "smtp.exempelstad.se", Port = 465, Security = SmtpSecurity.SslOnConnect, Username = "skolnarvaro", Password = "från-miljön",
            Timeout = TimeSpan.FromSeconds(10),
        });
        options.Delivery.Lease.Should().Be(TimeSpan.FromMinutes(2));
        Enumerable.Range(1, 5).Select(options.Delivery.RetryDelay).Should().Equal(
            TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30));
    }

    [Fact]
    public void By_default_SMTP_requires_STARTTLS()
    {
        Bind(new()).Smtp.Security.Should().Be(SmtpSecurity.StartTls);
    }

    [Fact]
    public void A_user_name_without_a_password_stops_the_start_naming_the_environment_variable()
    {
        var start = () => Bind(new() { ["Skolnarvaro:Notifications:Smtp:Username"] = "skolnarvaro" });

        start.Should().Throw<OptionsValidationException>()
            .WithMessage("*Skolnarvaro:Notifications:Smtp:Username = 'skolnarvaro' but no password: set Skolnarvaro__Notifications__Smtp__Password*");
    }

    [Fact]
    public void Bad_retry_settings_stop_the_start_naming_each_key_and_value()
    {
        var start = () => Bind(new()
        {
            ["Skolnarvaro:Notifications:Delivery:MaxAttempts"] = "0",
            ["Skolnarvaro:Notifications:Delivery:RetryBaseDelay"] = "00:10:00",
            ["Skolnarvaro:Notifications:Delivery:RetryMaxDelay"] = "00:01:00",
        });

        start.Should().Throw<OptionsValidationException>().Which.Failures.Should().BeEquivalentTo(
            "Skolnarvaro:Notifications:Delivery:MaxAttempts = 0: must be at least 1.",
            "Skolnarvaro:Notifications:Delivery:RetryMaxDelay = 00:01:00: must be at least RetryBaseDelay (00:10:00).");
    }

    private static NotificationOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddNotifications(configuration, Path.GetTempPath()).BuildServiceProvider();
        return services.GetRequiredService<IOptions<NotificationOptions>>().Value;
    }
}
