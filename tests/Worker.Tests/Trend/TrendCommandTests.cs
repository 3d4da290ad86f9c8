using System.Diagnostics;
using System.Text.Json;
using MimeKit;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;

namespace Skolnarvaro.Worker.Tests.Trend;

/// <summary>
/// The trend model through the real composition root and command line: a term of daily exports of pupils whose absence
/// evolves differently, imported by the nightly run; then train, models, evaluate, and the nightly run with and without
/// an active model.
/// </summary>
public sealed partial class TrendCommandTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
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
    public async Task The_evaluations_replay_records_what_the_nightly_run_records_night_by_night_and_counts_the_same()
    {
        // As in production: a weekly digest (on Mondays), composed by the nightly run on the digest day.
        using var host = await PipelineHost.StartAsync(db, schoolsFile, temp.Path,
            new Dictionary<string, string?>(Small) { ["Skolnarvaro:Notifications:Digest:Schedule"] = "Weekly" });
        var run = host.Get<NightlyRun>();
        await run.RunAsync(Days[5], dryRun: true);
        await host.Get<TrendTrainer>().TrainAndMaybeActivateAsync(new TrendTrainingRequest(Days[0], Days[^1], 7));
        await ExecuteAsync("delete from flag; delete from level_episode; delete from school_digest; delete from outbox");
        var nights = Days.Skip(20).Take(26).ToList();
        var real = new List<ReplayNight>();
        var toldCounts = new Dictionary<DateOnly, (int, int)>();
        foreach (var night in nights)
        {
            var summary = await run.RunAsync(night, dryRun: true);
            real.Add(await RecordedNightAsync(summary.RunId, night));
            toldCounts[night] = (await ScalarAsync<int>($"select new_or_escalated from run_school where run_id = {summary.RunId}"),
                await ScalarAsync<int>($"select reminded from run_school where run_id = {summary.RunId}"));
        }

        var scoring = await host.Get<TrendScoring>().ScoringWithAsync(await host.Get<TrendModelStore>().ActiveAsync());
        var replayed = await host.Get<NightlyReplay>().ReplayAsync(nights[0], nights[^1], scoring);

        replayed.Select(n => n.Date).Should().Equal(nights, "every school day is replayed (and the Mondays' digests fall on school days)");
        foreach (var (mine, theirs) in replayed.Zip(real))
        {
            mine.Flagged.Select(Flag).Should().BeEquivalentTo(theirs.Flagged.Select(Flag), $"the flags of {mine.Date:yyyy-MM-dd}");
            mine.Digest?.Select(t => Convert.ToHexString(t.PupilKey)).Should().BeEquivalentTo(theirs.Digest!.Select(t => Convert.ToHexString(t.PupilKey)),
                $"the digest of {mine.Date:yyyy-MM-dd} names the same pupils");
            if (mine.Digest is not null)
            {
                var runSchool = toldCounts[mine.Date];
                (mine.Digest.Count(t => t.IsNews), mine.Digest.Count(t => !t.IsNews)).Should().Be(runSchool, $"news and reminders on {mine.Date:yyyy-MM-dd}");
            }
            else
            {
                theirs.Digest.Should().BeNull();
            }
        }

        replayed.Count(n => n.Digest is not null).Should().BeInRange(4, 6, "a weekly digest, on Mondays");
        replayed.SelectMany(n => n.Flagged).Should().Contain(f => f.Level == Level.Trend, "the replay scores with the model");
        (await CountAsync("select count(*) from outbox where idempotency_key like 'digest-%'")).Should().Be(real.Count(n => n.Digest is not null),
            "the replay queued nothing for real: its outbox was a temporary table");

        var samples = await host.Get<TrendDataset>().BuildAsync(Days[0], Days[^1], new ThresholdOptions(), new TrendLabelling(3));
        var onsets = ShippedEvaluation.Onsets(samples, nights[0], nights[^1]);
        var fromReplay = ShippedEvaluation.Count(samples, onsets, replayed, nights[0], nights[^1], 3);
        var fromRuns = ShippedEvaluation.Count(samples, onsets, real, nights[0], nights[^1], 3);
        onsets.Should().NotBeEmpty();
        var (a, b) = (fromReplay.Overall.Rates, fromRuns.Overall.Rates);
        (a.Pupils, a.FlaggedEarly, a.NamedEarly, a.Flagged, a.Named, a.MedianLeadFlagged, a.MedianLeadNamed).Should().Be(
            (b.Pupils, b.FlaggedEarly, b.NamedEarly, b.Flagged, b.Named, b.MedianLeadFlagged, b.MedianLeadNamed),
            "flagged and named in a digest: the same pupils on the same nights, counted from the runs' own records");
        a.Named.Should().BeGreaterThan(0);
        (fromReplay.NightlyEntries, fromReplay.Digests).Should().Be((fromRuns.NightlyEntries, fromRuns.Digests));
        fromReplay.NewsEntries.Should().Be(toldCounts.Values.Sum(c => c.Item1), "the digests' news, as the runs recorded them");
        fromReplay.Reminders.Should().Be(toldCounts.Values.Sum(c => c.Item2));
    }

    private static (string, Level, LevelChange) Flag(ReplayFlag f) => (Convert.ToHexString(f.PupilKey), f.Level, f.Change);

    /// <summary>
    /// What the nightly run recorded for the night: its flags, and whom its digest told (the pupils whose episode the run
    /// marked reported on this date); whether each was news or a reminder the run records only as counts.
    /// </summary>
    private async Task<ReplayNight> RecordedNightAsync(long runId, DateOnly night)
    {
        var flagged = new List<ReplayFlag>();
        await using (var cmd = db.DataSource.CreateCommand($"select pupil_key, level, change from flag where run_id = {runId}"))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                flagged.Add(new ReplayFlag(r.GetFieldValue<byte[]>(0), Enum.Parse<Level>(r.GetString(1)), Enum.Parse<LevelChange>(r.GetString(2))));
            }
        }

        if (!await ScalarAsync<bool>($"select coalesce(bool_or(digest_queued), false) from run_school where run_id = {runId}"))
        {
            return new ReplayNight(School.Skolenhetskod, night, true, flagged, null);
        }

        var told = new List<ReplayTold>();
        await using (var cmd = db.DataSource.CreateCommand(
            $"select f.pupil_key, f.level from flag f join level_episode e on e.pupil_key = f.pupil_key and e.last_reported_on = '{night:yyyy-MM-dd}' " +
            $"where f.run_id = {runId} and e.left_on is null"))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                told.Add(new ReplayTold(r.GetFieldValue<byte[]>(0), Enum.Parse<Level>(r.GetString(1)), false, false));
            }
        }

        return new ReplayNight(School.Skolenhetskod, night, true, flagged, told);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Train_models_evaluate_and_activate_on_the_command_line()
    {
        using (var host = await PipelineHost.StartAsync(db, schoolsFile, temp.Path, Small))
        {
            await host.Get<NightlyRun>().RunAsync(Days[^1], dryRun: true);
        }

        // train then evaluate, each with its defaults: trained up to the last fact, evaluated on the held-out days.
        var (trained, trainOutput) = await RunAsync("train", "--seed", "5");
        var (evaluated, evaluateOutput) = await RunAsync("evaluate");
        var (listed, listOutput) = await RunAsync("models");
        var report = Path.Combine(temp.Path, "report");
        var (period, periodOutput) = await RunAsync("evaluate", "--model", "1", "--from", $"{Days[20]:yyyy-MM-dd}", "--warm-up-weeks", "2", "--out", report);
        var (badWarmUp, badWarmUpOutput) = await RunAsync("evaluate", "--warm-up-weeks", "60");
        var otherRegistry = Directory.CreateDirectory(Path.Combine(temp.Path, "other")).FullName;
        var (otherSchools, otherSchoolsOutput) = await RunWithSchoolsAsync(
            PipelineHost.WriteSchoolsFile(otherRegistry, new TestSchool("44444444", "Annanskolan", "rektor@annan.example.se")), "evaluate");
        var (missing, missingOutput) = await RunAsync("models", "activate", "9");
        var (empty, emptyOutput) = await RunAsync("train", "--from", $"{Days[^1]:yyyy-MM-dd}", "--to", $"{Days[0]:yyyy-MM-dd}");
        var file = Path.Combine(temp.Path, "model.json");
        var (exported, _) = await RunAsync("models", "export", "1", "--file", file);
        var (imported, importOutput) = await RunAsync("models", "import", "--file", file);
        var (activated, activateOutput) = await RunAsync("models", "activate", "2");

        trained.Should().Be(0, trainOutput);
        trainOutput.Should().Contain("Trend model v1 trained on 2026-08-17 – 2026-11-06").And.Contain("Activated: no model was active.");
        trainOutput.Should().Contain("upper bound, margin", "the decision says how the stored Trend cut-off was chosen");
        evaluated.Should().Be(0, evaluateOutput);
        evaluateOutput.Should().Contain("No facts after the model's training period; evaluated on its held-out days");
        evaluateOutput.Should().Contain("The nightly run replayed").And.Contain("Model v1").And.Contain("Named in a digest");
        period.Should().Be(0, periodOutput);
        periodOutput.Should().Contain("The nightly run replayed 2026-09-14 – 2026-11-06 (after a 2-week warm-up)");
        periodOutput.Should().Contain("overlaps the model's training period", "the test evaluates on dates it trained on, and is told so");
        otherSchools.Should().Be(2, otherSchoolsOutput);
        otherSchoolsOutput.Should().Contain("No school in the registry (Skolnarvaro:SchoolsFile: 44444444) has facts", "the replay runs the registry's schools");
        badWarmUp.Should().Be(2);
        badWarmUpOutput.Should().Contain("--warm-up-weeks 60");
        var html = await File.ReadAllTextAsync(Path.Combine(report, "evaluation-v1-20260914-20261106.html"));
        html.Should().Contain("Med trendmodellen").And.Contain("Enbart gränserna").And.Contain("Per kön").And.Contain("Flickor").And.Contain("slumpfrö 5");
        html.Should().NotContain("Elev1", "the page shows no pupil");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(report, "evaluation-v1-20260914-20261106.json")));
        json.RootElement.GetProperty("Thresholds").GetProperty("SchoolDays").GetInt32().Should().Be(40, "2026-09-14 – 2026-11-06 has 40 school days");
        json.RootElement.GetProperty("Models")[0].GetProperty("Shipped").GetProperty("Overall").GetProperty("Rates").GetProperty("Pupils").GetInt32()
            .Should().Be(json.RootElement.GetProperty("Onsets").GetInt32());
        listed.Should().Be(0, listOutput);
        listOutput.Should().Contain("v1").And.Contain("active").And.Contain("Nightly run: model v1 active");
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

    [Fact]
    public async Task SIGTERM_while_evaluate_replays_the_nightly_run_ends_it_within_seconds_with_130_and_writes_no_page()
    {
        using (var host = await PipelineHost.StartAsync(db, schoolsFile, temp.Path, Small))
        {
            await host.Get<NightlyRun>().RunAsync(Days[^1], dryRun: true);
            await host.Get<TrendTrainer>().TrainAndMaybeActivateAsync(new TrendTrainingRequest(Days[0], Days[^1], 7));
        }

        // Another session holds the flags: the replay waits to shadow them, as a long replay is busy, until it is stopped.
        await using var other = await db.DataSource.OpenConnectionAsync();
        await using var otherTx = await other.BeginTransactionAsync();
        await using (var hold = new Npgsql.NpgsqlCommand("lock table flag in access exclusive mode", other, otherTx))
        {
            await hold.ExecuteNonQueryAsync();
        }

        var folder = Path.Combine(temp.Path, "evaluation");
        using var evaluate = Process.Start(CliStart(schoolsFile, "evaluate", "--out", folder))!;
        try
        {
            await WaitUntilReplayWaitsAsync(evaluate);
            var sent = Stopwatch.StartNew();
            using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", evaluate.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!)
            {
                await kill.WaitForExitAsync();
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await evaluate.WaitForExitAsync(patience.Token);
            var stderr = await evaluate.StandardError.ReadToEndAsync();

            sent.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "SIGTERM must end evaluate within seconds");
            evaluate.ExitCode.Should().Be(130, stderr);
            stderr.Should().Contain("Interrupted: the evaluation was stopped before it finished; no page was written.");
            (Directory.Exists(folder) ? Directory.GetFiles(folder) : []).Should().BeEmpty("nothing half-written");
        }
        finally
        {
            if (!evaluate.HasExited)
            {
                evaluate.Kill(entireProcessTree: true);
            }
        }
    }

    private async Task WaitUntilReplayWaitsAsync(Process evaluate)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await CountAsync("""
                   select count(*) from pg_stat_activity
                   where datname = current_database() and wait_event_type = 'Lock' and query like 'create temporary table flag%'
                   """) == 0)
        {
            if (evaluate.HasExited)
            {
                Assert.Fail($"evaluate ended before its replay began: exit {evaluate.ExitCode}; {await evaluate.StandardOutput.ReadToEndAsync()} " +
                            await evaluate.StandardError.ReadToEndAsync());
            }

            DateTime.UtcNow.Should().BeBefore(deadline, "the replay never began");
            await Task.Delay(20);
        }
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunWithSchoolsAsync(schoolsFile, args);

    private async Task<(int ExitCode, string Output)> RunWithSchoolsAsync(string schools, params string[] args)
    {
        using var process = Process.Start(CliStart(schools, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private ProcessStartInfo CliStart(string schools, params string[] args)
    {
        var start = PipelineHost.CliStartInfo(db, schools, temp.Path, args);
        foreach (var (key, value) in Small)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return start;
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
