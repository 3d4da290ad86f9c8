using Npgsql;
using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Insights.Trend;

/// <summary>
/// One school's night as the nightly run analyses it — assess, record the levels with their news, queue the digest on the
/// school's cadence, mark the told — on the replay's connection, with <paramref name="model"/> in place of the active one.
/// The Worker, which sequences the night, implements it with its nightly run's own calls and mapping, so the evaluation
/// replays what ships and not a copy of it.
/// </summary>
public interface INightlySchoolStep
{
    /// <param name="model">The model being evaluated, or thresholds alone.</param>
    Task<ReplayNight> ReplayAsync(NpgsqlConnection conn, long runId, string school, DateOnly night, ScoringModel model, CancellationToken ct);
}
