using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Profiles;

/// <summary>A profile that would reject every file every night is refused at start, with a message naming the key.</summary>
public sealed class ProfileValidationTests(TestDatabase db) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("profiles");

    public void Dispose() => temp.Dispose();

    private async Task<string> StartFailureAsync(Dictionary<string, string?> profile, ExportProfileSettings? overrides = null)
    {
        var settings = profile.ToDictionary(p => $"Skolnarvaro:Profiles:skolans-export:{p.Key}", p => p.Value);
        var start = async () => (await ImportHarness.StartAsync(db, temp, "skolans-export", overrides, configuration: settings)).Dispose();
        return (await start.Should().ThrowAsync<Exception>()).Which.Message;
    }

    private static Dictionary<string, string?> Lessons(params (string Key, string? Value)[] changes)
    {
        var profile = new Dictionary<string, string?> { ["Kind"] = "Lessons", ["DateFormat"] = "yyyy-MM-dd" };
        foreach (var (key, value) in changes)
        {
            profile[key] = value;
        }

        return profile;
    }

    [Fact]
    public async Task A_date_format_that_cannot_read_back_a_date_is_refused_naming_the_key() =>
        (await StartFailureAsync(Lessons(("DateFormat", "qqqq")))).Should().Contain("DateFormat = 'qqqq' cannot be read back")
            .And.Contain("Skolnarvaro:Schools:0");

    [Fact]
    public async Task A_time_format_that_cannot_read_back_a_time_is_refused_naming_the_key() =>
        (await StartFailureAsync(Lessons(("TimeFormat", "mm")))).Should().Contain("TimeFormat = 'mm' cannot be read back");

    [Fact]
    public async Task A_profile_naming_its_own_columns_but_not_the_personnummers_is_refused() =>
        (await StartFailureAsync(Lessons(("Columns:Class", "Grupp"), ("Columns:Date", "Dag"))))
            .Should().Contain("Columns:Personnummer is missing");

    [Fact]
    public async Task An_unknown_kind_is_reported_as_an_unknown_kind_naming_the_allowed_kinds()
    {
        var message = await StartFailureAsync(Lessons(("Kind", "Weekly")));

        message.Should().Contain("Skolnarvaro:Profiles:skolans-export:Kind = 'Weekly' is not a kind of export; expected Lessons, Days or Summary")
            .And.NotContain("unknown export profile");
    }
}
