using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Recipients;

namespace Skolnarvaro.Worker.Nightly;

/// <summary>
/// One school's night for the evaluation's replay (<see cref="NightlyReplay"/>), through the same calls in the same order
/// as <see cref="NightlyRun"/>'s analysis of a school and its mapping of the news into a digest request: assess, record with
/// news, queue the digest, mark the told. It lives beside the nightly run so the desk replays the night's code, not a copy.
/// </summary>
public sealed class NightlySchoolStep(SchoolFlags flags, SchoolDigests digests, IOptions<NotificationOptions> notifications) : INightlySchoolStep
{
    /// <summary>A digest with no data-quality caveat: the caveats change a digest's words, not whom it names.</summary>
    private static readonly DigestDataQuality NoCaveats = new(null, 0, false, null, 0);

    public async Task<ReplayNight> ReplayAsync(NpgsqlConnection conn, long runId, string school, DateOnly night, ScoringModel model, CancellationToken ct)
    {
        var levels = await flags.AssessAsync(school, night, model, ct);
        var (recorded, news) = await flags.RecordWithNewsAsync(conn, runId, levels, digests.ReminderCooldownDays, ct);
        var request = NightlyRun.Request(news);
        var queued = await digests.QueueAsync(conn, runId, school, night, request, NoCaveats, sendNow: false, ct);
        if (queued.Recorded)
        {
            await flags.MarkReportedAsync(conn, school, queued.Told.Select(t => t.PupilKey), night, ct);
        }

        var flagged = recorded.All.Select(f => new ReplayFlag(f.PupilKey, f.Level, f.Change)).ToList();
        var told = queued.Recorded ? Told(queued.Told, request.FirstDigest, notifications.Value.Digest.MaxPupils) : null;
        return new ReplayNight(school, night, true, flagged, told);
    }

    /// <summary>
    /// Who the digest named, and who of them got a card: the first <paramref name="maxPupils"/> in its order, news before
    /// reminders except in the go-live overview (as <see cref="DigestBuilder"/> lays the cards out).
    /// </summary>
    private static IReadOnlyList<ReplayTold> Told(IReadOnlyList<DigestEntry> told, bool overview, int maxPupils)
    {
        var cardOrder = overview ? told : [.. told.OrderByDescending(t => t.IsNews)];
        var cards = cardOrder.Take(maxPupils).Select(t => t.PupilKey).ToHashSet(Analysis.Figures.PupilKeyComparer.Instance);
        return told.Select(t => new ReplayTold(t.PupilKey, Enum.Parse<Level>(t.LevelCode), t.IsNews, cards.Contains(t.PupilKey))).ToList();
    }
}
