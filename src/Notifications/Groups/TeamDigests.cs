using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Calendar;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Outbox;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Notifications.Groups;

/// <summary>One team address on a night: the schools whose registry entry lists it, and the open requests there.</summary>
/// <param name="ToldBefore">The pupils (keys, hex) the team's digest before tonight held; null before its first digest.</param>
public sealed record TeamMail(Recipient To, IReadOnlyList<School> Schools, IReadOnlyList<TeamCase> Cases, IReadOnlySet<string>? ToldBefore);

/// <summary>The skolnärvaroteam mails of a night, planned before the schools' digests so that theirs can say the team was told.</summary>
/// <param name="Due">Every team address due tonight (or composed already tonight), with or without pupils to tell.</param>
public sealed record TeamPlan(DateOnly AsOf, IReadOnlyList<TeamMail> Due)
{
    public static TeamPlan None(DateOnly asOf) => new(asOf, []);

    /// <summary>The mails that go: a team with no open request at its schools gets none.</summary>
    public IReadOnlyList<TeamMail> Mails => [.. Due.Where(m => m.Cases.Count > 0)];

    /// <summary>How many of the school's pupils the team is told about tonight: the school's digests say so.</summary>
    public int ToldAbout(string school) =>
        Mails.SelectMany(m => m.Cases).Where(c => c.School == school).Select(c => Convert.ToHexString(c.PupilKey)).Distinct().Count();
}

/// <summary>
/// The skolnärvaroteam's digest: one mail per team address, across every school whose registry entry lists it, holding only
/// the pupils whose support those schools have requested and the team has not ended. Planned before the schools' digests
/// (<see cref="PlanAsync"/>), recorded after them (<see cref="QueueAsync"/>) so it can say who at the schools was told; keyed
/// by address and date, so no rerun of the night sends one twice.
/// </summary>
public sealed class TeamDigests(
    IOptions<NotificationOptions> options, SchoolRegistry registry, TeamDigestRenderer renderer, OutboxStore outbox, SchoolCalendar calendar,
    IDigestLinks links, TimeProvider time)
{
    /// <summary>The team addresses of the registry, each with the schools that list it, in registry order.</summary>
    public IReadOnlyList<(Recipient To, IReadOnlyList<School> Schools)> Teams => registry
        .SelectMany(s => s.Skolnarvaroteam.Select(r => (Key: r.Email.Trim().ToLowerInvariant(), Recipient: r, School: s)))
        .GroupBy(x => x.Key)
        .Select(g => (g.First().Recipient, (IReadOnlyList<School>)[.. g.Select(x => x.School).DistinctBy(s => s.Skolenhetskod)]))
        .ToList();

    /// <param name="requested">The pupils with support requested at the teams' schools (ended ones are left out here).</param>
    /// <param name="sendNow">Compose whatever the schedule (run-once --send-now), though never twice on one night.</param>
    public async Task<TeamPlan> PlanAsync(NpgsqlConnection conn, DateOnly asOf, IReadOnlyList<TeamCase> requested, bool sendNow, CancellationToken ct = default)
    {
        var rules = options.Value.Digest.ForGroup(RecipientGroup.Skolnarvaroteam);
        if (!rules.Enabled)
        {
            return TeamPlan.None(asOf);
        }

        var due = new List<TeamMail>();
        foreach (var (to, schools) in Teams)
        {
            var last = await LastAsync(conn, to.Email, asOf, ct);
            // Composed already tonight (an earlier attempt of the same night): told, and recording it again changes nothing.
            var isDue = last.On == asOf || sendNow || rules.Schedule.IsDue(schools[0].Skolenhetskod, asOf, last.On, calendar);
            if (isDue)
            {
                var codes = schools.Select(s => s.Skolenhetskod).ToHashSet(StringComparer.Ordinal);
                var open = requested.Select(c => c.On(asOf)).OfType<TeamCase>().Where(c => c.IsOpen && codes.Contains(c.School));
                due.Add(new TeamMail(to, schools, [.. open], last.ToldBefore));
            }
        }

        return new TeamPlan(asOf, due);
    }

    /// <summary>Records each due team's mail (and its digest day) on the caller's connection.</summary>
    public async Task<IReadOnlyList<GroupDigestQueued>> QueueAsync(NpgsqlConnection conn, long runId, TeamPlan plan, CancellationToken ct = default)
    {
        var settings = options.Value;
        var rules = settings.Digest.ForGroup(RecipientGroup.Skolnarvaroteam);
        var queued = new List<GroupDigestQueued>();
        foreach (var mail in plan.Due)
        {
            await RecordComposedAsync(conn, mail.To.Email, plan.AsOf, mail.Cases.Select(c => c.PupilKey), runId, ct);
            if (mail.Cases.Count == 0)
            {
                continue;
            }

            var told = await ToldTonightAsync(conn, runId, mail.Schools, ct);
            var model = TeamDigestBuilder.Build(rules, mail.Schools, plan.AsOf, mail.Cases, mail.ToldBefore, settings.NameDisplay, told,
                (school, since) => calendar.DaysBetween(school, since, plan.AsOf)) with
                {
                    Link = links.ForRecipient(mail.Schools[0].Skolenhetskod, RecipientGroup.Skolnarvaroteam, mail.To.Email),
                };
            var digest = renderer.Render(model);
            var key = $"digest-team-{mail.To.Email.Trim().ToLowerInvariant()}-{plan.AsOf:yyyy-MM-dd}";
            var notBefore = SendAt(rules, mail.Schools[0].Skolenhetskod, plan.AsOf);
            var mime = DigestMail.Compose(settings.FromName, settings.FromAddress, [(mail.To.Name, mail.To.Email)], digest, key, notBefore);
            var recorded = await outbox.EnqueueAsync(conn, key, runId, null, [mail.To.Email], digest.Subject, mime, ct, notBefore, RecipientGroup.Skolnarvaroteam);
            queued.Add(new GroupDigestQueued(RecipientGroup.Skolnarvaroteam, mail.To.Email, [], mail.Cases.Count, recorded));
        }

        return queued;
    }

    /// <summary>
    /// "På Ekdalsskolan har också rektor och elevhälsan fått sina sammanfattningar den här gången": from the outbox, the
    /// schools' own mails of this run, by school.
    /// </summary>
    private static async Task<string> ToldTonightAsync(NpgsqlConnection conn, long runId, IReadOnlyList<School> schools, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select distinct skolenhetskod, recipient_group from outbox
            where run_id = @run and skolenhetskod = any(@schools) and recipient_group <> 'Skolnarvaroteam'
            """, conn);
        cmd.Parameters.AddWithValue("run", runId);
        cmd.Parameters.AddWithValue("schools", NpgsqlDbType.Array | NpgsqlDbType.Char, schools.Select(s => s.Skolenhetskod).ToArray());
        var told = new List<(string School, RecipientGroup Group)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                told.Add((r.GetString(0), Enum.Parse<RecipientGroup>(r.GetString(1))));
            }
        }

        return AlsoTold.ForTeam(schools, told);
    }

    /// <summary>The team's send time on the date, in school time; now if that has passed.</summary>
    private DateTimeOffset SendAt(GroupRules rules, string school, DateOnly date)
    {
        var (_, at) = rules.Schedule.For(school);
        var now = time.GetUtcNow();
        var sendAt = time.Instant(date, at);
        return sendAt > now ? sendAt : now;
    }

    /// <summary>
    /// The team's last digest day, and whom the digest before tonight held: on a rerun of the night, the one before the last
    /// (null: no digest before tonight, so nobody is new to it).
    /// </summary>
    private static async Task<(DateOnly? On, IReadOnlySet<string>? ToldBefore)> LastAsync(NpgsqlConnection conn, string email, DateOnly tonight, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "select last_composed_on, last_told, previous_composed_on, previous_told from team_digest where email = @email", conn);
        cmd.Parameters.AddWithValue("email", email.Trim().ToLowerInvariant());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            return (null, null);
        }

        var last = r.GetFieldValue<DateOnly>(0);
        var told = last < tonight ? 1 : r.IsDBNull(2) ? -1 : 3;
        return (last, told < 0 ? null : r.GetFieldValue<byte[][]>(told).Select(Convert.ToHexString).ToHashSet());
    }

    /// <summary>Tonight's digest day and pupils; a new night moves the last one to "previous".</summary>
    private static async Task RecordComposedAsync(NpgsqlConnection conn, string email, DateOnly date, IEnumerable<byte[]> told, long runId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into team_digest (email, last_composed_on, last_run_id, last_told) values (@email, @date, @run, @told)
            on conflict (email) do update set
                previous_composed_on = case when team_digest.last_composed_on < excluded.last_composed_on
                                            then team_digest.last_composed_on else team_digest.previous_composed_on end,
                previous_told = case when team_digest.last_composed_on < excluded.last_composed_on
                                     then team_digest.last_told else team_digest.previous_told end,
                last_composed_on = greatest(team_digest.last_composed_on, excluded.last_composed_on),
                last_run_id = excluded.last_run_id, last_told = excluded.last_told
            """, conn);
        cmd.Parameters.AddWithValue("email", email.Trim().ToLowerInvariant());
        cmd.Parameters.AddWithValue("date", date);
        cmd.Parameters.AddWithValue("told", told.ToArray());
        cmd.Parameters.AddWithValue("run", runId);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
