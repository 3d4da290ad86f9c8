namespace Skolnarvaro.Worker.Runs;

/// <summary>A run as recorded: what it is for and how far it got.</summary>
public sealed record RunRow(long Id, string Kind, DateOnly AsOf, string Status, bool DryRun, bool SendNow);

/// <summary>One line of the list of recent runs.</summary>
public sealed record RunListing(
    long Id, string Kind, DateOnly AsOf, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Status,
    int SchoolsOk, int SchoolsFailed, int Schools, int? High, int? AtRisk, int? Trend, int Digests);

/// <summary>A nightly run is already in progress; a second one is not started.</summary>
/// <summary>A command-line run stopped (SIGTERM, Ctrl+C) before it finished; recorded as Abandoned, its unfinished files rolled back.</summary>
public sealed class RunInterruptedException(long runId, Exception inner)
    : OperationCanceledException($"Interrupted: nightly run #{runId} was stopped before it finished and is recorded as Abandoned; " +
                                 "nothing of an unfinished file was kept. The next run imports what this one did not.", inner)
{
    public long RunId { get; } = runId;
}

public sealed class RunInProgressException(long runId, DateTimeOffset startedAt)
    : Exception($"Nightly run #{runId} (started {startedAt:yyyy-MM-dd HH:mm} UTC) is still in progress; only one nightly run at a time. " +
                "See `skolnarvaro status`.")
{
    public long RunId { get; } = runId;
}
