using System.Diagnostics;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests.Cli;

/// <summary>
/// A user's mistake in the worker's settings or on the command line stops the command before it does anything, with
/// exit code 2 and one line that names the key or option and the value: never a stack trace or a .NET type name.
/// </summary>
public sealed class StartupValidationTests(TestDatabase db) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("startup-validation");

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("worker", "Skolnarvaro__Worker__WorkerCount", "0", "Skolnarvaro:Worker:WorkerCount = 0")]
    [InlineData("worker", "Skolnarvaro__Worker__RetryDelaysSeconds__0", "-5", "Skolnarvaro:Worker:RetryDelaysSeconds:0 = -5")]
    [InlineData("worker", "Skolnarvaro__Worker__NightlyCron", "0 25 * * *", "Skolnarvaro:Worker:NightlyCron = '0 25 * * *'")]
    [InlineData("worker", "Skolnarvaro__Worker__TimeZone", "Europe/Atlantis", "Skolnarvaro:Worker:TimeZone = 'Europe/Atlantis'")]
    [InlineData("worker", "Skolnarvaro__Worker__QueuePollInterval", "-00:00:01", "Skolnarvaro:Worker:QueuePollInterval = -00:00:01")]
    [InlineData("status", "Skolnarvaro__Worker__WorkerCount", "0", "Skolnarvaro:Worker:WorkerCount = 0")]
    [InlineData("trigger", "Skolnarvaro__Worker__MisfireHandling", "Sometimes", "Skolnarvaro:Worker:MisfireHandling = 'Sometimes'")]
    [InlineData("status", "ConnectionStrings__Skolnarvaro", "Host=127.0.0.1;Port=notaport", "ConnectionStrings:Skolnarvaro: not a PostgreSQL connection string")]
    [InlineData("worker", "ConnectionStrings__Skolnarvaro", "Host=127.0.0.1;Bogus=1", "ConnectionStrings:Skolnarvaro: not a PostgreSQL connection string")]
    public async Task A_bad_worker_setting_stops_the_start_with_exit_2_and_one_line_naming_the_key_and_value(
        string command, string variable, string value, string expected)
    {
        var (code, output) = await RunAsync([command], (variable, value));

        code.Should().Be(2, output);
        OneLine(output).Should().Contain(expected);
    }

    [Theory]
    [InlineData("run-once", "Skolnarvaro__Tresholds__AtRisk__AbsenceShare", "0.12", "Skolnarvaro:Tresholds: unknown key (did you mean Thresholds?)")]
    [InlineData("worker", "Skolnarvaro__Web__SesionLength", "01:00:00", "Skolnarvaro:Web:SesionLength: unknown key (did you mean SessionLength?)")]
    [InlineData("status", "Skolnarvaro__Schools__0__Inbx", "inbox", "Skolnarvaro:Schools:0:Inbx: unknown key (did you mean Inbox?)")]
    [InlineData("status", "Skolnarvaro__Schools__0__Rektorer__0__Epost", "r@k.example.se", "Skolnarvaro:Schools:0:Rektorer:0:Epost: unknown key")]
    [InlineData("status", "Skolnarvaro__Notifications__Smtp__Hots", "smtp.example.se", "Skolnarvaro:Notifications:Smtp:Hots: unknown key (did you mean Host?)")]
    [InlineData("worker", "Skolnarvaro__LogFormat", "xml", "Skolnarvaro:LogFormat = 'xml': expected json")]
    public async Task A_key_nothing_reads_or_an_unknown_log_format_stops_the_start_with_exit_2_and_one_line_naming_it(
        string command, string variable, string value, string expected)
    {
        var (code, output) = await RunAsync([command], (variable, value));

        code.Should().Be(2, output);
        OneLine(output).Should().Contain(expected).And.Contain("nothing was done");
    }

    [Theory]
    [InlineData("status", "Skolnarvaro__Thresholds__High__AbsenceShare", "abc",
        "Skolnarvaro:Thresholds:High:AbsenceShare = 'abc': expected a number with a decimal point, e.g. 0.2")]
    [InlineData("worker", "Skolnarvaro__Worker__WorkerCount", "two", "Skolnarvaro:Worker:WorkerCount = 'two': expected a whole number")]
    [InlineData("run-once", "Skolnarvaro__Demo__Enabled", "kanske", "Skolnarvaro:Demo:Enabled = 'kanske': expected true or false")]
    [InlineData("status", "Skolnarvaro__Notifications__NameDisplay", "Fullt", "Skolnarvaro:Notifications:NameDisplay = 'Fullt': expected one of Full, FirstNameInitialClass, None")]
    public async Task A_value_of_the_wrong_kind_stops_the_start_with_exit_2_and_the_products_line_not_the_frameworks(
        string command, string variable, string value, string expected)
    {
        var (code, output) = await RunAsync([command], (variable, value));

        code.Should().Be(2, output);
        OneLine(output).Should().Contain(expected).And.NotContain("Failed to convert").And.NotContain("System.");
    }

    [Fact]
    public async Task An_unknown_command_gets_one_message_naming_it_and_the_commands()
    {
        var (code, output) = await RunAsync(["frobnicate"]);

        code.Should().Be(2, output);
        OneLine(output).Should().StartWith("Unknown command 'frobnicate'; the commands are run-once, check, worker")
            .And.EndWith("(see skolnarvaro --help).").And.NotContain("Required command");
    }

    [Fact]
    public async Task Status_of_a_run_that_does_not_exist_says_so_and_exits_2()
    {
        var (code, output) = await RunAsync(["status", "--run", "99"]);

        code.Should().Be(2, output);
        OneLine(output).Should().StartWith("--run 99: no such run;");
    }

    [Fact]
    public async Task A_huvudman_account_for_a_huvudman_no_fristaende_school_has_stops_the_start_with_exit_2_naming_the_key()
    {
        var (code, output) = await RunAsync(["run-once"],
            ("Skolnarvaro__Web__HuvudmanAccounts__0__Huvudman", "Okänd Skolor AB"), ("Skolnarvaro__Web__HuvudmanAccounts__0__Email", "a@okand.example.se"));

        code.Should().Be(2, output);
        output.Should().Contain("Skolnarvaro:Web:HuvudmanAccounts:0:Huvudman = 'Okänd Skolor AB': no fristående school in Skolnarvaro:Schools has this huvudman")
            .And.NotContain("   at ").And.Contain("nothing was done");
    }

    [Theory]
    [InlineData("worker")]
    [InlineData("run-once")]
    public async Task A_missing_page_template_stops_the_start_with_exit_2_naming_the_file_and_the_setting(string command)
    {
        var templates = Path.Combine(temp.Path, "templates");
        foreach (var file in Directory.GetFiles(TestFiles.InRepo("templates"), "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(templates, Path.GetRelativePath(TestFiles.InRepo("templates"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        File.Delete(Path.Combine(templates, "web", "pupil.html.sbn"));

        var (code, output) = await RunAsync([command], ("Skolnarvaro__Notifications__TemplateFolder", templates));

        code.Should().Be(2, output);
        output.Should().Contain($"{Path.Combine(templates, "web", "pupil.html.sbn")}: template file not found (Skolnarvaro:Notifications:TemplateFolder)")
            .And.Contain("nothing was done").And.NotContain("   at ");
    }

    [Fact]
    public async Task A_misspelt_key_in_a_school_of_the_registry_file_stops_the_start_with_exit_2_naming_the_school_and_key()
    {
        var schools = TestSchools.WriteFile(temp.Path, new TestSchool("12345678", "Kontrollskolan", "r@k.example.se"));
        var json = await File.ReadAllTextAsync(schools);
        json.Should().Contain("\"Inbox\"");
        await File.WriteAllTextAsync(schools, json.Replace("\"Inbox\"", "\"Inbx\"", StringComparison.Ordinal));

        var (code, output) = await RunAsync(["status"], schools);

        code.Should().Be(2, output);
        OneLine(output).Should().Contain("Skolnarvaro:Schools:0:Inbx: unknown key (did you mean Inbox?)");
    }

    [Fact]
    public async Task A_database_port_where_nothing_listens_stops_the_start_with_exit_2_and_one_line_naming_the_connection_string()
    {
        var port = FreePort.Next();

        var (code, output) = await RunAsync(["status"],
            ("ConnectionStrings__Skolnarvaro", $"Host=127.0.0.1;Port={port};Username=skolnarvaro;Password=secret-password;Database=skolnarvaro;Timeout=5"));

        code.Should().Be(2, output);
        OneLine(output).Should().Contain($"ConnectionStrings:Skolnarvaro (Host=127.0.0.1;Port={port};").And.Contain("cannot connect")
            .And.NotContain("secret-password");
    }

    [Theory]
    [InlineData("--as-of '2026-02-30': not a date; expected yyyy-MM-dd", "run-once", "--as-of", "2026-02-30")]
    [InlineData("--as-of 'tomorrow': not a date", "trigger", "--as-of", "tomorrow")]
    [InlineData("--last 'many': not a whole number", "status", "--last", "many")]
    [InlineData("--min-group-size 'five': not a whole number", "report", "--term", "HT2026", "--min-group-size", "five")]
    [InlineData("<version> 'latest': not a whole number", "models", "activate", "latest")]
    [InlineData("--school", "import", "some.csv")]
    [InlineData("nosuchcommand", "nosuchcommand")]
    public async Task A_bad_command_line_value_exits_2_with_one_line_saying_what_was_expected(string expected, params string[] args)
    {
        var (code, output) = await RunAsync(args);

        code.Should().Be(2, output);
        OneLine(output).Should().Contain(expected).And.NotContain("System.");
    }

    private static string OneLine(string output)
    {
        output.Should().NotContain("   at ", "no stack trace for a user's mistake");
        return output.Trim().Split('\n').Should().ContainSingle($"one line, not:\n{output}").Which;
    }

    private Task<(int ExitCode, string Output)> RunAsync(string[] args, params (string Name, string Value)[] environment) =>
        RunAsync(args, TestSchools.WriteFile(temp.Path, new TestSchool("12345678", "Kontrollskolan", "r@k.example.se")), environment);

    private async Task<(int ExitCode, string Output)> RunAsync(string[] args, string schools, params (string Name, string Value)[] environment)
    {
        var start = PipelineHost.CliStartInfo(db, schools, temp.Path, args);
        start.Environment["Skolnarvaro__Worker__Dashboard__Url"] = $"http://127.0.0.1:{FreePort.Next()}";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"skolnarvaro {string.Join(' ', args)} did not stop: {await stderr}");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
