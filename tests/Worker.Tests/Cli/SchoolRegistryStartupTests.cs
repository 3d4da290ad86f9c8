using Microsoft.Extensions.Options;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests.Cli;

/// <summary>
/// Through the real composition root: a registry the pipeline would skip a school of, or only warn about at night,
/// stops the start with the key named; the command line turns these into exit code 2 and one message.
/// </summary>
public sealed class SchoolRegistryStartupTests(TestDatabase db) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("registry");

    public void Dispose() => temp.Dispose();

    private async Task<string> StartWithAsync(string schoolJson, IReadOnlyDictionary<string, string?>? settings = null)
    {
        Directory.CreateDirectory(temp.File("inbox"));
        var file = temp.File("schools.json");
        await File.WriteAllTextAsync(file, $$"""{ "Skolnarvaro": { "Schools": [ {{schoolJson}} ] } }""");
        var start = () => PipelineHost.StartAsync(db, file, temp.Path, settings);
        var error = (await start.Should().ThrowAsync<Exception>()).Which;
        error.Should().Match<Exception>(e => e is ProfileConfigurationException || e is OptionsValidationException,
            "Program turns these into exit code 2 with the message");
        return error is OptionsValidationException o ? string.Join("\n", o.Failures) : error.Message;
    }

    private const string Rektorer = """ "Rektorer": [ { "Name": "Rektor", "Email": "rektor@skolan.example.se" } ] """;

    [Fact]
    public async Task An_unknown_driftsform_stops_the_start_instead_of_dropping_the_school_from_every_run()
    {
        var message = await StartWithAsync($$"""
            { "Skolenhetskod": "12345678", "Name": "Privatskolan", "Driftsform": "Privat", "Huvudman": "AB", "Profile": "days-default",
              "Inbox": "inbox", {{Rektorer}} }
            """);

        message.Should().Contain("Skolnarvaro:Schools:0:Driftsform").And.Contain("Privat");
    }

    [Fact]
    public async Task A_school_without_rektorer_stops_the_start()
    {
        var message = await StartWithAsync("""
            { "Skolenhetskod": "12345678", "Name": "Rektorslösa skolan", "Driftsform": "Municipal", "Huvudman": "Kommunen",
              "Profile": "days-default", "Inbox": "inbox" }
            """);

        message.Should().Contain("Skolnarvaro:Schools:0:Rektorer (Rektorslösa skolan): no rektor with an e-mail address");
    }

    [Fact]
    public async Task A_missing_inbox_folder_stops_the_start()
    {
        var message = await StartWithAsync($$"""
            { "Skolenhetskod": "12345678", "Name": "Ängsskolan", "Driftsform": "Municipal", "Huvudman": "Kommunen",
              "Profile": "days-default", "Inbox": "inbox/saknas", {{Rektorer}} }
            """);

        message.Should().Contain("Skolnarvaro:Schools:0:Inbox = 'inbox/saknas' (Ängsskolan): folder not found");
    }

    [Fact]
    public async Task Problems_of_the_registry_and_of_ingestions_part_of_it_stop_the_start_together_each_naming_its_key()
    {
        var message = await StartWithAsync($$"""
            { "Skolenhetskod": "1234", "Name": "Ängsskolan", "Driftsform": "Municipal", "Huvudman": "Kommunen",
              "Profile": "days-default", "Inbox": "inbox/saknas", {{Rektorer}} }
            """);

        message.Should().Contain("Skolnarvaro:Schools:0:Skolenhetskod = '1234': expected 8 digits.")
            .And.Contain("Skolnarvaro:Schools:0:Inbox = 'inbox/saknas' (Ängsskolan): folder not found");
    }

    [Fact]
    public async Task Broken_json_in_the_schools_file_stops_the_start_with_one_line_naming_where()
    {
        var message = await StartWithAsync("""{ "Skolenhetskod": "12345678", "Name": "Kommaskolan" "Driftsform": "Municipal" }""");

        message.Should().StartWith("Skolnarvaro:SchoolsFile = '").And.Contain("not valid JSON at line 1, position")
            .And.NotContain("\n").And.NotContain("   at ");
    }

    [Fact]
    public async Task A_pseudonymisation_key_that_is_too_short_is_refused_naming_the_key()
    {
        var message = await StartWithAsync($$"""
            { "Skolenhetskod": "12345678", "Name": "Ängsskolan", "Driftsform": "Municipal", "Huvudman": "Kommunen",
              "Profile": "days-default", "Inbox": "inbox", {{Rektorer}} }
            """, new Dictionary<string, string?> { ["Skolnarvaro:Pseudonymisation:Key"] = "för-kort" });

        message.Should().Contain("Skolnarvaro:Pseudonymisation:Key is 8 characters long: it must be at least 32");
    }
}
