using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Calendar;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Outbox;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Notifications.Groups;

/// <summary>
/// The mentors' and elevhälsan's digests of a school on a night, beside the rektorer's: planned first (which groups are due,
/// whom each mail goes to and which pupils it holds), so the rektor's digest can say who else is told; then recorded in the
/// outbox on the caller's transaction, one mail per recipient, keyed by school, group, address and date so that no rerun of
/// the night sends one twice.
/// </summary>
public sealed class GroupDigests(
    IOptions<NotificationOptions> options, SchoolRegistry registry, GroupDigestRenderer renderer, OutboxStore outbox, SchoolCalendar calendar,
    IDigestLinks links, TimeProvider time)
{
    private static readonly RecipientGroup[] Groups = [RecipientGroup.Mentor, RecipientGroup.Elevhalsan];

    /// <param name="sendNow">Compose whatever the schedule (run-once --send-now), though never twice on one night.</param>
    public async Task<GroupPlan> PlanAsync(
        NpgsqlConnection conn, string school, DateOnly asOf, DigestRequest request, GroupRequest groups, DigestDataQuality quality, bool sendNow,
        CancellationToken ct = default)
    {
        var digest = options.Value.Digest;
        var due = new List<RecipientGroup>();
        var first = new HashSet<RecipientGroup>();
        foreach (var group in Groups.Where(g => digest.ForGroup(g).Enabled))
        {
            var last = await LastComposedAsync(conn, school, group, ct);
            if ((sendNow && last != asOf) || digest.ForGroup(group).Schedule.IsDue(school, asOf, last, calendar))
            {
                due.Add(group);
            }

            if (last is null)
            {
                first.Add(group);
            }
        }

        var entry = registry.Find(school);
        if (due.Count == 0 || entry is null)
        {
            return new GroupPlan(school, asOf, due, [], quality) { TeamTold = groups.TeamTold };
        }

        bool Holds(RecipientGroup g, DigestEntry e) => digest.ForGroup(g).Holds(e.LevelCode, groups.LongSpells.Contains(Convert.ToHexString(e.PupilKey)));
        var inScope = request.Pupils.Where(e => due.Any(g => Holds(g, e))).ToList();
        var pupils = await PupilDirectory.ReadAsync(conn, school, inScope, ct);
        var mails = new List<GroupMail>();
        if (due.Contains(RecipientGroup.Mentor))
        {
            mails.AddRange(MentorMails(groups, pupils.Where(p => Holds(RecipientGroup.Mentor, p.Entry)).ToList()));
        }

        var health = pupils.Where(p => Holds(RecipientGroup.Elevhalsan, p.Entry)).ToList();
        if (due.Contains(RecipientGroup.Elevhalsan) && health.Count > 0)
        {
            mails.AddRange(entry.Elevhalsan.Select(r => new GroupMail(RecipientGroup.Elevhalsan, r, [], health)));
        }

        return new GroupPlan(school, asOf, due, mails, quality) { LongSpells = groups.LongSpells, First = first, TeamTold = groups.TeamTold };
    }

    /// <summary>
    /// Records the planned mails (and each due group's digest day) on the caller's transaction. <paramref name="rektorTold"/>:
    /// the rektor's digest went tonight, so the groups' line names the rektor.
    /// </summary>
    public async Task<IReadOnlyList<GroupDigestQueued>> QueueAsync(NpgsqlConnection conn, long runId, GroupPlan plan, bool rektorTold, CancellationToken ct = default)
    {
        foreach (var group in plan.Due)
        {
            await RecordComposedAsync(conn, plan.School, group, plan.AsOf, runId, ct);
        }

        var settings = options.Value;
        var school = registry.Find(plan.School)!;
        var caveats = DataQualityCaveats.For(plan.Quality, plan.AsOf, settings.LowReportingRate);
        var queued = new List<GroupDigestQueued>();
        foreach (var mail in plan.Mails)
        {
            var rules = settings.Digest.ForGroup(mail.Group);
            var model = GroupDigestBuilder.Build(rules, school, plan.AsOf, mail.To, mail.Classes, mail.Pupils, plan.LongSpells, settings.NameDisplay,
                caveats, plan.ForGroup(mail, rektorTold), plan.First.Contains(mail.Group)) with
                {
                    Link = links.ForRecipient(plan.School, mail.Group, mail.To.Email),
                };
            var digest = renderer.Render(model);
            var key = $"digest-{plan.School}-{mail.Group.ToString().ToLowerInvariant()}-{mail.To.Email.Trim().ToLowerInvariant()}-{plan.AsOf:yyyy-MM-dd}";
            var notBefore = SendAt(rules, plan.School, plan.AsOf);
            var mime = DigestMail.Compose(settings.FromName, settings.FromAddress, [(mail.To.Name, mail.To.Email)], digest, key, notBefore);
            var recorded = await outbox.EnqueueAsync(conn, key, runId, plan.School, [mail.To.Email], digest.Subject, mime, ct, notBefore, mail.Group);
            queued.Add(new GroupDigestQueued(mail.Group, mail.To.Email, mail.Classes, mail.Pupils.Count, recorded));
        }

        return queued;
    }

    /// <summary>
    /// One mail per mentor address, covering every class of theirs with pupils at the mentor's levels: a mentor of 4A and 5B
    /// gets one digest with both. A class without a mentor reaches no mentor; the rektor's digest names it.
    /// </summary>
    private static IEnumerable<GroupMail> MentorMails(GroupRequest groups, IReadOnlyList<FlaggedPupil> pupils)
    {
        var byMentor = groups.Classes
            .SelectMany(c => c.Mentors.Select(m => (Mentor: m, c.Class)))
            .GroupBy(x => x.Mentor.Email.Trim().ToLowerInvariant());
        foreach (var mentor in byMentor)
        {
            var classes = mentor.Select(x => x.Class).Distinct(StringComparer.OrdinalIgnoreCase).Order(DigestBuilder.ClassOrder.Instance).ToList();
            var theirs = pupils.Where(p => classes.Contains(p.ClassName.Trim(), StringComparer.OrdinalIgnoreCase)).ToList();
            if (theirs.Count > 0)
            {
                yield return new GroupMail(RecipientGroup.Mentor, mentor.First().Mentor, classes, theirs);
            }
        }
    }

    /// <summary>The group's send time on the date, in school time; now if that has passed.</summary>
    private DateTimeOffset SendAt(GroupRules rules, string school, DateOnly date)
    {
        var (_, at) = rules.Schedule.For(school);
        var now = time.GetUtcNow();
        var sendAt = time.Instant(date, at);
        return sendAt > now ? sendAt : now;
    }

    private static async Task<DateOnly?> LastComposedAsync(NpgsqlConnection conn, string school, RecipientGroup group, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "select last_composed_on from group_digest where skolenhetskod = @school and recipient_group = @group", conn);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("group", group.ToString());
        return await cmd.ExecuteScalarAsync(ct) is DateOnly d ? d : null;
    }

    private static async Task RecordComposedAsync(NpgsqlConnection conn, string school, RecipientGroup group, DateOnly date, long runId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into group_digest (skolenhetskod, recipient_group, last_composed_on, last_run_id) values (@school, @group, @date, @run)
            on conflict (skolenhetskod, recipient_group) do update
                set last_composed_on = greatest(group_digest.last_composed_on, excluded.last_composed_on), last_run_id = excluded.last_run_id
            """, conn);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("group", group.ToString());
        cmd.Parameters.AddWithValue("date", date);
        cmd.Parameters.AddWithValue("run", runId);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
