namespace Skolnarvaro.Insights;

/// <summary>
/// The run record a desk job (a back-test) keeps, asked of the stage that owns the <c>run</c> table: the Worker's run
/// bookkeeping implements it, so the desk never writes that table itself.
/// </summary>
public interface IDeskRuns
{
    /// <summary>Records a run of <paramref name="kind"/> with its configuration; returns its id.</summary>
    Task<long> StartAsync(string kind, DateOnly asOf, string configJson, CancellationToken ct = default);

    Task FinishAsync(long runId, bool succeeded, string summaryJson, CancellationToken ct = default);

    /// <summary>The SHA-256 the run record gives a configuration (the same JSON, the same hash, as the nightly run's).</summary>
    Task<string> HashAsync(string configJson, CancellationToken ct = default);
}
