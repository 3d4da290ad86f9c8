using System.Diagnostics;
using System.Text.Json;
using MimeKit;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;

namespace Skolnarvaro.Worker.Tests.Trend;

/// <summary>
/// The trend model through the real composition root and command line: a term of daily exports of pupils whose absence
/// evolves differently, imported by the nightly run; then train, models, evaluate, and the nightly run with and without
/// an active model.
/// </summary>
public sealed class TrendCommandTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly IReadOnlyList<DateOnly> Days = TestExports.SchoolDays(new DateOnly(2026, 8, 17), 60);
    private static readonly TestSchool School = new("33333333", "Trendskolan", "rektor@trend.example.se");

    /// <summary>Small trees so the tests train in a second; the defaults are for a municipality.</summary>
    private static readonly Dictionary<string, string?> Small = new()
    {
        ["Skolnarvaro:Trend:HorizonWeeks"] = "3",
        ["Skolnarvaro:Trend:MinimumAuc"] = "0.6",
        // Room for Trend flags: on this small history the default 10 % cap on added digest entries leaves almost none.
        ["Skolnarvaro:Trend:MaxAddedShare"] = "0.9",
        ["Skolnarvaro:Trend:Trainer:Trees"] = "40",
        ["Skolnarvaro:Trend:Trainer:Leaves"] = "8",
        ["Skolnarvaro:Trend:Trainer:MinimumExamplesPerLeaf"] = "5",
        ["Skolnarvaro:Notifications:OpsAddress"] = "analys@exempelstad.example.se",
    };

    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("trend");
    private string schoolsFile = "";

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        schoolsFile = PipelineHost.WriteSchoolsFile(temp.Path, School);
        var pupils = Enumerable.Range(0, 160).Select(n =>
        {
            var random = new Random(1000 + n);
            var kind = random.NextDouble();
            var start = random.Next(10, 45);
            var speed = 6 + random.Next(15);
            var pupil = TestPupil.Create(2013, 1 + n / 28 % 12, 1 + n % 28, n / 28, $"Elev{n}", "Testsson", "7A", boy: n % 2 == 1);
            var minutes = Enumerable.Range(0, Days.Count).Select(i =>
            {
                var everyday = random.NextDouble() < 0.02 ? 300 : random.NextDouble() < 0.04 ? 60 : 0;
                return kind < 0.3 && i >= start ? Math.Min(300, Math.Max(everyday, speed * (i - start + 1))) : everyday;
            }).ToArray();
            return (pupil, (Func<int, int>)(i => minutes[i]), Course: kind < 0.3 ? "Rising" : "Stable");
        }).ToArray();
        TestExports.WriteDays(Path.Combine(temp.Path, "inbox", School.Skolenhetskod, "days.csv"), Days,
            pupils.Select(p => (p.pupil, p.Item2)).ToArray());
        // The generator's answer key, as `evaluate --truth` reads it.
        await File.WriteAllLinesAsync(Path.Combine(temp.Path, "truth.csv"),
            ["Personnummer;Kön;Course", .. pupils.Select(p => $"{p.pupil.Personnummer.Replace("-", "", StringComparison.Ordinal)};-;{p.Course}")]);
    }

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_nightly_run_says_thresholds_only_without_a_model_and_names_the_model_once_one_is_trained()
    {
        using var host = await PipelineHost.StartAsync(db, schoolsFile, temp.Path, Small);
        var run = host.Get<NightlyRun>();

        var before = await run.RunAsync(Days[39], dryRun: true);
        var trained = await host.Get<TrendTrainer>().TrainAndMaybeActivateAsync(new TrendTrainingRequest(Days[0], Days[^1], 7));
        var after = await run.RunAsync(Days[40], dryRun: true);

        before.TrendModel.Should().Be("thresholds only: no active model");
        before.Trend.Should().Be(0);
        (await OpsTextAsync(before.RunId)).Should().Contain("Nivåerna bygger enbart på tröskelvärdena: ingen kvalificerad trendmodell är aktiv.");
        (await ScalarAsync<string>($"select trend_model from run where id = {before.RunId}")).Should().Be("thresholds only: no active model");

        trained.Activated.Should().BeTrue();
        trained.HeldOutAuc.Should().BeGreaterThan(0.6);
        after.TrendModel.Should().StartWith($"model v{trained.Version} active");
        (await OpsTextAsync(after.RunId)).Should().Contain($"Trendmodell v{trained.Version} är aktiv");
        var trendFlags = await CountAsync($"select count(*) from flag where run_id = {after.RunId} and level = 'Trend'");
        trendFlags.Should().BeGreaterThan(0, "some pupils are rising on day 40 without being at a level yet");
        after.Trend.Should().Be((int)trendFlags);
        (await ScalarAsync<int>($"select trend from run_school where run_id = {after.RunId}")).Should().Be((int)trendFlags);
        (await CountAsync($"select count(*) from flag where run_id = {after.RunId} and level = 'Trend' and figures_json->'trend'->>'model' = '{trained.Version}'"))
            .Should().Be(trendFlags, "each Trend flag keeps the model and the features behind it");
        var digest = await MimeMessage.LoadAsync(Path.Combine(temp.Path, "digests", $"digest-{School.Skolenhetskod}-run{after.RunId}.eml"));
        digest.TextBody.Should().Contain("Stigande frånvaro");
    }

    [Fact]
    public async Task Train_models_evaluate_and_activate_on_the_command_line()
    {
        using (var host = await PipelineHost.StartAsync(db, schoolsFile, temp.Path, Small))
        {
            await host.Get<NightlyRun>().RunAsync(Days[^1], dryRun: true);
        }

        var (trained, trainOutput) = await RunAsync("train", "--from", $"{Days[0]:yyyy-MM-dd}", "--to", $"{Days[^1]:yyyy-MM-dd}", "--seed", "5");
        var (listed, listOutput) = await RunAsync("models");
        var report = Path.Combine(temp.Path, "report");
        var (evaluated, evaluateOutput) = await RunAsync(
            "evaluate", "--model", "1", "--from", $"{Days[20]:yyyy-MM-dd}", "--out", report, "--truth", Path.Combine(temp.Path, "truth.csv"));
        var (atCutOff, atCutOffOutput) = await RunAsync(
            "evaluate", "--model", "1", "--from", $"{Days[20]:yyyy-MM-dd}", "--out", Path.Combine(temp.Path, "report-at-cut-off"), "--trend-cut-off", "0.45");
        var (badCutOff, badCutOffOutput) = await RunAsync("evaluate", "--model", "1", "--trend-cut-off", "1.5");
        var (everyone, everyoneOutput) = await RunAsync(
            "evaluate", "--model", "1", "--from", $"{Days[20]:yyyy-MM-dd}", "--out", Path.Combine(temp.Path, "report-everyone"), "--model-names", "Everyone");
        var (warmedUp, warmedUpOutput) = await RunAsync(
            "evaluate", "--model", "1", "--from", $"{Days[20]:yyyy-MM-dd}", "--out", Path.Combine(temp.Path, "report-warm-up"), "--warm-up-weeks", "2");
        var (missing, missingOutput) = await RunAsync("models", "activate", "9");
        var (empty, emptyOutput) = await RunAsync("train", "--from", $"{Days[^1]:yyyy-MM-dd}", "--to", $"{Days[0]:yyyy-MM-dd}");
        var file = Path.Combine(temp.Path, "model.json");
        var (exported, _) = await RunAsync("models", "export", "1", "--file", file);
        var (imported, importOutput) = await RunAsync("models", "import", "--file", file);
        var (activated, activateOutput) = await RunAsync("models", "activate", "2");

        trained.Should().Be(0, trainOutput);
        trainOutput.Should().Contain("Trend model v1 trained on 2026-08-17 – 2026-11-06").And.Contain("Activated: no model was active.");
        trainOutput.Should().Contain("upper bound, margin", "the decision says how the stored Trend cut-off was chosen");
        atCutOff.Should().Be(0, atCutOffOutput);
        atCutOffOutput.Should().Contain("Trend at ≥ 0.45", "the nightly figure at the cut-off asked for, not the model's own");
        warmedUp.Should().Be(0, warmedUpOutput);
        warmedUpOutput.Should().Contain("on 2026-09-14 – 2026-11-06", "the warm-up's weeks are scored but the period is the one asked for");
        everyone.Should().Be(0, everyoneOutput);
        everyoneOutput.Should().Contain("Model at the rule's alert budget: probability").And.NotContain("pupils not at hög frånvaro");
        badCutOff.Should().Be(2);
        badCutOffOutput.Should().Contain("--trend-cut-off 1.5");
        listed.Should().Be(0, listOutput);
        listOutput.Should().Contain("v1").And.Contain("active").And.Contain("Nightly run: model v1 active");
        evaluated.Should().Be(0, evaluateOutput);
        evaluateOutput.Should().Contain("Model at the rule's alert budget (pupils not at hög frånvaro)", "by default the model names pupils the rule has not at hög frånvaro");
        evaluateOutput.Should().Contain("overlaps the model's training period", "the test evaluates on dates it trained on, and is told so");
        var html = await File.ReadAllTextAsync(Path.Combine(report, "evaluation-v1-20260914-20261106.html"));
        html.Should().Contain("<svg").And.Contain("Per kön").And.Contain("Flickor").And.Contain("Pojkar").And.Contain("Per driftsform");
        html.Should().NotContain("Elev1", "the report shows no pupil");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(report, "evaluation-v1-20260914-20261106.json")));
        json.RootElement.GetProperty("alertBudget").GetProperty("ModelNames").GetString().Should().Be("NotHigh");
        var overall = json.RootElement.GetProperty("evaluation").GetProperty("Overall");
        overall.GetProperty("Model").GetProperty("Flags").GetInt32().Should().Be(overall.GetProperty("Rule").GetProperty("Flags").GetInt32(),
            "the model is compared at the rule's flag rate");
        overall.GetProperty("ModelAuc").GetDouble().Should().BeGreaterThan(overall.GetProperty("RuleAuc").GetDouble());
        json.RootElement.GetProperty("evaluation").GetProperty("ByTrajectory").EnumerateArray().Select(g => g.GetProperty("Group").GetString())
            .Should().Equal("Rising", "Stable");
        html.Should().Contain("Per förlopp");
        missing.Should().Be(2);
        missingOutput.Should().Contain("No model v9");
        empty.Should().Be(2);
        emptyOutput.Should().Contain("Nothing was trained").And.Contain("--from must be before --to");
        exported.Should().Be(0);
        imported.Should().Be(0, importOutput);
        importOutput.Should().Contain("Imported as v2 (inactive)");
        activated.Should().Be(0, activateOutput);
        activateOutput.Should().Contain("Model v2 is active. Nightly run: model v2 active");
    }

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = PipelineHost.CliStartInfo(db, schoolsFile, temp.Path, args);
        foreach (var (key, value) in Small)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private async Task<string> OpsTextAsync(long runId) =>
        (await MimeMessage.LoadAsync(Path.Combine(temp.Path, "digests", $"ops-run{runId}.eml"))).TextBody ?? "";

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
