using Microsoft.Extensions.Configuration;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Tests.Cli;

/// <summary>The check for keys nothing reads, over the settings the product ships and documents.</summary>
public sealed class UnknownSettingsTests
{
    [Fact]
    public void The_shipped_settings_the_sample_registry_and_the_documented_environment_keys_are_all_read()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(TestFiles.InRepo("src", "Worker", "appsettings.json"))
            .AddJsonFile(TestFiles.InRepo("sample-data", "schools.json"))
            .AddInMemoryCollection(DocumentedEnvironmentKeys().Select(k => new KeyValuePair<string, string?>(k, "x")))
            .Build();

        UnknownSettings.Find(configuration).Should().BeEmpty();
    }

    [Fact]
    public void A_misspelt_section_a_schools_misspelt_key_and_a_profiles_misspelt_key_are_each_named_with_the_nearest_known_one()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Skolnarvaro:Tresholds:AtRisk:AbsenceShare"] = "0.12",
            ["Skolnarvaro:Schools:0:Skolenhetskod"] = "12345678",
            ["Skolnarvaro:Schools:0:Inbx"] = "inbox",
            ["Skolnarvaro:Profiles:egen:Delimitter"] = ";",
            ["Skolnarvaro:Profiles:egen:StatusCodes:X"] = "Present",
            ["Logging:LogLevel:Whatever"] = "Warning",
        }).Build();

        UnknownSettings.Find(configuration).Should().HaveCount(3).And.SatisfyRespectively(
            e => e.Should().StartWith("Skolnarvaro:Profiles:egen:Delimitter: unknown key (did you mean Delimiter?)"),
            e => e.Should().StartWith("Skolnarvaro:Schools:0:Inbx: unknown key (did you mean Inbox?)").And.Contain("Rektorer"),
            e => e.Should().StartWith("Skolnarvaro:Tresholds: unknown key (did you mean Thresholds?)").And.Contain("Web"));
    }

    [Fact]
    public void A_school_registry_written_with_the_old_key_Rectors_is_told_to_rename_it_Rektorer()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Skolnarvaro:Schools:0:Skolenhetskod"] = "12345678",
            ["Skolnarvaro:Schools:0:Rectors:0:Email"] = "rektor@skolan.example.se",
        }).Build();

        UnknownSettings.Find(configuration).Should().ContainSingle()
            .Which.Should().StartWith("Skolnarvaro:Schools:0:Rectors: unknown key (renamed Rektorer: rename the key)");
    }

    /// <summary>Every Skolnarvaro__… variable the README and the reference under docs/ name, as a configuration key.</summary>
    private static IEnumerable<string> DocumentedEnvironmentKeys() =>
        new[] { TestFiles.InRepo("README.md") }.Concat(Directory.GetFiles(TestFiles.InRepo("docs"), "*.md"))
            .SelectMany(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(f), @"Skolnarvaro__[A-Za-z0-9_]*[A-Za-z0-9]"))
            .Select(m => m.Value.Replace("__", ":", StringComparison.Ordinal))
            .Distinct();
}
