using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Skolnarvaro.Worker.Nightly;
using Skolnarvaro.Worker.Orchestration;

namespace Skolnarvaro.Worker.Tests.Orchestration;

public sealed class OrchestrationOptionsTests
{
    [Fact]
    public void Configured_retry_delays_replace_the_defaults_instead_of_following_them()
    {
        var configured = Bind(new() { ["Skolnarvaro:Worker:RetryDelaysSeconds:0"] = "1", ["Skolnarvaro:Worker:RetryDelaysSeconds:1"] = "2" });
        var unset = Bind([]);

        configured.EffectiveRetryDelaysSeconds.Should().Equal(1, 2);
        unset.EffectiveRetryDelaysSeconds.Should().Equal(60, 300, 900, 1800, 3600);
    }

    [Fact]
    public void The_default_settings_are_valid_and_each_bad_one_is_named_with_its_value()
    {
        var valid = () => OrchestrationOptionsValidator.ThrowIfInvalid(Bind([]));
        var invalid = () => OrchestrationOptionsValidator.ThrowIfInvalid(Bind(new()
        {
            ["Skolnarvaro:Worker:WorkerCount"] = "0",
            ["Skolnarvaro:Worker:InvisibilityTimeout"] = "00:00:00",
            ["Skolnarvaro:Worker:DeliveryCron"] = "every five minutes",
            ["Skolnarvaro:Worker:Dashboard:Url"] = "http://[::]:5080",
        }));

        valid.Should().NotThrow();
        invalid.Should().Throw<OptionsValidationException>().Which.Failures.Should().SatisfyRespectively(
            f => f.Should().StartWith("Skolnarvaro:Worker:DeliveryCron = 'every five minutes': not a cron expression"),
            f => f.Should().StartWith("Skolnarvaro:Worker:WorkerCount = 0:"),
            f => f.Should().StartWith("Skolnarvaro:Worker:InvisibilityTimeout = 00:00:00:"),
            f => f.Should().StartWith("Skolnarvaro:Worker:Dashboard:Url = 'http://[::]:5080': not the loopback interface"));
    }

    private static OrchestrationOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddOptions<OrchestrationOptions>().Bind(configuration.GetSection(OrchestrationOptions.Section))
            .Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<OrchestrationOptions>>().Value;
    }
}
