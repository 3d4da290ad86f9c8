using Microsoft.Extensions.Configuration;
using Skolnarvaro.Insights.Backtesting;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Insights.Tests.Backtesting;

/// <summary>A candidate file is layered on the current thresholds and validated like them, naming the file, the key and the value.</summary>
public sealed class CandidateThresholdsTests : IDisposable
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("candidate");

    private static readonly IConfiguration Current = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Skolnarvaro:Thresholds:AtRisk:AbsenceShare"] = "0.10",
        ["Skolnarvaro:Thresholds:High:AbsenceShare"] = "0.20",
        ["Skolnarvaro:Thresholds:High:ConsecutiveDaysAbsent"] = "5",
        ["Skolnarvaro:Thresholds:Driftsform:Independent:RecentWindowDays"] = "15",
    }).Build();

    public void Dispose() => temp.Dispose();

    private string Write(string json)
    {
        var path = temp.File("candidate.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static ThresholdOptions CurrentOptions()
    {
        var o = new ThresholdOptions();
        Current.GetSection(ThresholdOptions.Section).Bind(o);
        return o;
    }

    [Theory]
    [InlineData("""{ "AtRisk": { "AbsenceShare": 0.12 } }""")]
    [InlineData("""{ "Skolnarvaro": { "Thresholds": { "AtRisk": { "AbsenceShare": 0.12 } } }, "Logging": {} }""")]
    public void A_candidate_changes_only_the_keys_it_names(string json)
    {
        var candidate = CandidateThresholds.Load(Write(json), Current);

        candidate.AtRisk.AbsenceShare.Should().Be(0.12);
        candidate.High.ConsecutiveDaysAbsent.Should().Be(5);
        candidate.Driftsform["Independent"].RecentWindowDays.Should().Be(15);
        CandidateThresholds.Differences(CurrentOptions(), candidate).Should().Equal(("AtRisk:AbsenceShare", "0.1", "0.12"));
    }

    [Fact]
    public void A_misspelt_key_names_the_file_and_the_key()
    {
        var path = Write("""{ "AtRisk": { "AbsenseShare": 0.12 } }""");

        var load = () => CandidateThresholds.Load(path, Current);

        load.Should().Throw<CandidateConfigurationException>().WithMessage($"{path}: Skolnarvaro:Thresholds:AtRisk:AbsenseShare: unknown key*");
    }

    [Fact]
    public void A_candidate_that_breaks_a_rule_names_the_file_the_key_and_the_value()
    {
        var path = Write("""{ "High": { "AbsenceShare": 0.08 } }""");

        var load = () => CandidateThresholds.Load(path, Current);

        load.Should().Throw<CandidateConfigurationException>()
            .WithMessage($"{path}: Skolnarvaro:Thresholds:High:AbsenceShare = 0.08: below Skolnarvaro:Thresholds:AtRisk:AbsenceShare = 0.1*");
    }

    [Theory]
    [InlineData("""{ "AtRisk": { "AbsenceShare": "tio procent" } }""", "*AtRisk:AbsenceShare*")]
    [InlineData("""{ "AtRisk": { "AbsenceShare": 0.12 """, "*not valid JSON (line 1*")]
    [InlineData("""[ 0.12 ]""", "*expected a JSON object*")]
    public void A_candidate_that_is_not_a_configuration_says_where(string json, string expected)
    {
        var path = Write(json);

        var load = () => CandidateThresholds.Load(path, Current);

        load.Should().Throw<CandidateConfigurationException>().WithMessage($"{path}: {expected}");
    }

    [Fact]
    public void A_missing_file_is_reported()
    {
        var load = () => CandidateThresholds.Load(temp.File("nope.json"), Current);

        load.Should().Throw<CandidateConfigurationException>().WithMessage("*nope.json: file not found.");
    }
}
