using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis;
using Skolnarvaro.Schools;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Ingestion.Import;

namespace Skolnarvaro.Insights.Backtesting;

/// <summary>What an analyst asks the back-test for: the candidate file, the period (defaults from the data), the schools and the files.</summary>
public sealed record BacktestRequest(string CandidateFile, DateOnly? From, DateOnly? To, IReadOnlySet<string>? Schools, string? CsvFile, string? NightsFile);

/// <summary>A back-test ready to replay: both configurations, their hashes and how they differ, the period.</summary>
public sealed record BacktestPlan(
    BacktestRequest Request, ThresholdOptions Current, ThresholdOptions Candidate, string CurrentJson, string CandidateJson,
    string CurrentHash, string CandidateHash, DateOnly From, DateOnly To)
{
    public IReadOnlyList<(string Key, string Current, string Candidate)> Differences => CandidateThresholds.Differences(Current, Candidate);
}

/// <summary>What the back-test produced and where it was written; the run it was recorded as.</summary>
public sealed record BacktestOutcome(long RunId, BacktestResult Result, string CsvFile, string? NightsFile);

/// <summary>Why a back-test was not started, in one line for the analyst.</summary>
public sealed class BacktestRefusedException(string message) : Exception(message);

/// <summary>
/// The back-test behind <c>backtest</c>: loads the candidate thresholds beside the current ones, settles the period, replays
/// history with both (<see cref="Backtester"/>), writes the CSV files and records it all as a run.
/// </summary>
public sealed class BacktestDesk(
    IConfiguration configuration, SchoolRegistry schools, IOptions<ThresholdOptions> current, ImportedExports exports, IDeskRuns runs, Backtester backtester,
    DeskFolders folders)
{
    public async Task<BacktestPlan> PlanAsync(BacktestRequest request, CancellationToken ct)
    {
        ThresholdOptions candidate;
        try
        {
            candidate = CandidateThresholds.Load(request.CandidateFile, configuration, schools.Driftsforms());
        }
        catch (CandidateConfigurationException e)
        {
            throw new BacktestRefusedException($"Candidate configuration error, nothing was done:{Environment.NewLine}{e.Message}");
        }

        var to = request.To ?? await exports.LastExportDateAsync(ct)
            ?? throw new BacktestRefusedException("No imported exports yet, so there is no history to replay; give --to, or import first.");
        var from = request.From ?? Term.Containing(to).Start;
        if (from > to)
        {
            throw new BacktestRefusedException($"--from {from:yyyy-MM-dd} is after --to {to:yyyy-MM-dd}; nothing was done.");
        }

        var (currentJson, candidateJson) = (CandidateThresholds.ToJson(current.Value), CandidateThresholds.ToJson(candidate));
        return new BacktestPlan(request, current.Value, candidate, currentJson, candidateJson,
            await runs.HashAsync(currentJson, ct), await runs.HashAsync(candidateJson, ct), from, to);
    }

    /// <summary>Replays the plan, writes its CSV files and records it as a run; a failure is recorded, then thrown.</summary>
    public async Task<BacktestOutcome> RunAsync(BacktestPlan plan, IProgress<BacktestProgress>? progress, CancellationToken ct)
    {
        var runId = await runs.StartAsync("backtest", plan.To, JsonSerializer.Serialize(new
        {
            from = plan.From, to = plan.To, schools = plan.Request.Schools?.Order().ToArray(), candidateFile = plan.Request.CandidateFile,
            current = JsonDocument.Parse(plan.CurrentJson).RootElement, candidate = JsonDocument.Parse(plan.CandidateJson).RootElement,
        }), ct);
        BacktestResult result;
        try
        {
            result = await backtester.RunAsync(plan.Current, plan.Candidate, plan.From, plan.To, plan.Request.Schools, progress, ct);
        }
        catch (Exception e)
        {
            // Recorded as failed (or cancelled) rather than left running; the error itself goes on up.
            await runs.FinishAsync(runId, false, JsonSerializer.Serialize(new { error = e.Message }), CancellationToken.None);
            throw;
        }

        var csvFile = plan.Request.CsvFile
            ?? folders.Resolve("out", "backtest", $"backtest-{plan.From:yyyyMMdd}-{plan.To:yyyyMMdd}-{plan.CandidateHash[..8]}.csv");
        await DeskFiles.WriteAllAsync(plan.Request.NightsFile is { } nightsFile
            ? [DeskFile.Csv(csvFile, to => BacktestCsv.Write(to, result)), DeskFile.Csv(nightsFile, to => BacktestCsv.WriteNights(to, result))]
            : [DeskFile.Csv(csvFile, to => BacktestCsv.Write(to, result))]);

        await runs.FinishAsync(runId, true, JsonSerializer.Serialize(new
        {
            weeks = result.Weeks,
            schools = result.Schools.Select(r => r.Skolenhetskod).Distinct().Count(),
            totals = result.Totals.Select(t => new
            {
                level = t.Level.ToString(), t.PupilsCurrent, t.PupilsCandidate, t.Both, t.OnlyCurrent, t.OnlyCandidate,
                t.Earlier, t.Later, t.Same, t.MedianDaysEarlier, t.MedianDaysLater, t.EntriesCurrent, t.EntriesCandidate,
            }),
            csv = csvFile,
        }), CancellationToken.None); // the files are written: the record says so even if the back-test is being stopped
        return new BacktestOutcome(runId, result, csvFile, plan.Request.NightsFile);
    }
}
