namespace Skolnarvaro.Worker.Runs;

/// <summary>A run as recorded: what it is for and how far it got.</summary>
public sealed record RunRow(long Id, string Kind, DateOnly AsOf, string Status, bool DryRun, bool SendNow);

/// <summary>One line of the list of recent runs.</summary>
public sealed record RunListing(
    long Id, string Kind, DateOnly AsOf, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Status,
    int SchoolsOk, int SchoolsFailed, int Schools, int? High, int? AtRisk, int? Trend, int Digests);

/// <summary>A nightly run is already in progress; a second one is not started.</summary>
public sealed class RunInProgressException(long runId, DateTimeOffset startedAt)
    : Exception($"Nightly run #{runId} (started {startedAt:yyyy-MM-dd HH:mm} UTC) is still in progress; only one nightly run at a time. " +
                "See `skolnarvaro status`.")
{
    public long RunId { get; } = runId;
}
