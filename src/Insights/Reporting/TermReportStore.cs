using Npgsql;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Insights.Reporting;

/// <summary>Minutes over a stretch of school days, and on how many days time was registered.</summary>
public readonly record struct Minutes(long Registered, long Excused, long Unexcused, long Late, int Days)
{
    public double? AbsenceShare(bool lateCounts) =>
        Registered == 0 ? null : (double)(Excused + Unexcused + (lateCounts ? Late : 0)) / Registered;
}

/// <summary>
/// A flagged pupil's absence in the weeks before and after the first digest that named them (the anchor: the night of the
/// first digest sent at the school while they were at a level, from their first flag there on). Windows end on and start
/// after the anchor.
/// </summary>
public sealed record PupilDevelopment(DateOnly Anchor, Minutes Before4, Minutes After4, Minutes Before8, Minutes After8);

/// <summary>
/// What the report needs of a pupil's legal steps at a school: <see cref="FirstAlert"/>, when their first flag at the school
/// fell in the term, the night of the first digest that told the rektor (the development's anchor); <see cref="HighSince"/>, the
/// night they first reached hög frånvaro in an episode still open on some night of the term; and the investigation's
/// current "Utredning inledd" and "Avslutad" dates (a withdrawn step has no date).
/// </summary>
public sealed record PupilSteps(DateOnly? FirstAlert, DateOnly? HighSince, DateOnly? StartedOn, DateOnly? ClosedOn)
{
    /// <summary>
    /// An investigation started by <paramref name="by"/> and not closed before <paramref name="since"/>: one the rektor had
    /// open at some point from <paramref name="since"/> to <paramref name="by"/>. One closed before the pupil's alert or
    /// hög frånvaro was about something earlier.
    /// </summary>
    public bool StartedBy(DateOnly by, DateOnly since) => StartedOn <= by && !(ClosedOn < since);

    /// <summary>"Anmält till huvudmannen".</summary>
    public DateOnly? ReportedOn { get; init; }

    /// <summary>"Stöd begärt från skolnärvaroteamet".</summary>
    public DateOnly? SupportRequestedOn { get; init; }

    /// <summary>"Stöd påbörjat", the skolnärvaroteam's step.</summary>
    public DateOnly? SupportStartedOn { get; init; }
}

/// <summary>A pupil's absence in the 4 weeks before support began (up to the day before) and the 4 weeks from that day on.</summary>
public sealed record SupportDevelopment(DateOnly StartedOn, Minutes Before, Minutes After);

/// <summary>One pupil at one school in the term: who they are for the breakdowns, their minutes, levels, alerts and legal steps.</summary>
public sealed record PupilTerm(
    string Skolenhetskod, byte[] PupilKey, char Gender, int? Grade, Minutes Term, long RateScheduled, long RateRegistered,
    Level? HighestLevel, bool NewlyFlagged, bool Reported, PupilDevelopment? Development, PupilSteps Steps)
{
    /// <summary>Around "Stöd påbörjat", where the team recorded it; null otherwise.</summary>
    public SupportDevelopment? Support { get; init; }
}

/// <summary>
/// The municipality's minutes in one ISO week from day and lesson exports, how many pupil placements had scheduled time in
/// it there, and how many more had only summary-export facts (left out of the minutes).
/// </summary>
public sealed record WeekMinutes(int IsoYear, int IsoWeek, DateOnly FirstDay, DateOnly LastDay, int Pupils, long Registered, long Excused, long Unexcused)
{
    public int SummaryPupils { get; init; }
}

/// <summary>A school's register entry and its digests and exports in the term (not pupil data: never suppressed).</summary>
public sealed record SchoolTerm(
    string Skolenhetskod, string Name, string Driftsform, int DigestsSent, int DigestsNotSent, int RejectedFiles,
    int NightlyRuns, int StaleRuns, bool? StaleAtLastRun, DateOnly? LastExportTo);

/// <summary>
/// Reads what the term report is computed from: facts, flags, level history and legal steps, and — through the views their
/// owners keep for it — the digests (<c>digest_mail</c>, Notifications), the exports (<c>import_file_record</c>, Ingestion)
/// and the run records (<c>run_date</c>, <c>nightly_school_staleness</c>, the Worker's run books).
/// </summary>
public sealed class TermReportStore(NpgsqlDataSource db)
{
    /// <summary>
    /// Every pupil with scheduled time at a school between the dates, with their minutes there (reporting rate only over
    /// facts from lessons and days exports, which register each lesson or day; summary exports cannot say), the highest
    /// level any run in the period flagged them at, whether they were newly flagged, whether a sent digest named them,
    /// and — when their first flag at the school fell in the period and a digest sent while they were at a level told the
    /// rektor — their development from that digest's night.
    /// </summary>
    public async Task<IReadOnlyList<PupilTerm>> PupilsAsync(DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(PupilsQuery);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        // Development windows may reach past the term into the weeks before it, but never past the report date.
        cmd.Parameters.AddWithValue("asOf", to);
        var pupils = new List<PupilTerm>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            pupils.Add(ReadPupil(r));
        }

        return pupils;
    }

    /// <summary>One row of <see cref="PupilsQuery"/> as the report's pupil.</summary>
    private static PupilTerm ReadPupil(NpgsqlDataReader r)
    {
        PupilDevelopment? development = null;
        if (!r.IsDBNull(14))
        {
            var w = r.GetFieldValue<long?[]>(15);
            Minutes At(int i) => new(w[i] ?? 0, w[i + 1] ?? 0, w[i + 2] ?? 0, w[i + 3] ?? 0, (int)(w[i + 4] ?? 0));
            development = new PupilDevelopment(r.GetFieldValue<DateOnly>(14), At(0), At(5), At(10), At(15));
        }

        return new PupilTerm(
            r.GetString(0), r.GetFieldValue<byte[]>(1), r.GetString(2)[0], r.IsDBNull(3) ? null : r.GetInt32(3),
            new Minutes(r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), (int)r.GetInt64(8)),
            r.GetInt64(9), r.GetInt64(10),
            r.IsDBNull(11) ? null : (Level)r.GetInt32(11),
            r.GetBoolean(12), r.GetBoolean(13), development,
            new PupilSteps(Date(r, 16), Date(r, 17), Date(r, 18), Date(r, 19))
            {
                ReportedOn = Date(r, 20), SupportRequestedOn = Date(r, 21), SupportStartedOn = Date(r, 22),
            })
        {
            Support = SupportOf(r, 23),
        };
    }

    /// <summary>
    /// The term's pupils in one query, each step a named part: facts, levels, newly flagged, reported by a sent digest, the
    /// first flag and the digest that told it (the anchor), the development windows around it, the support windows, hög
    /// frånvaro, and the steps.
    /// </summary>
    private const string PupilsQuery = """
            with facts as (
                select f.skolenhetskod, f.pupil_key,
                       sum(f.scheduled_min - f.not_reported_min) as registered, sum(f.excused_min) as excused,
                       sum(f.unexcused_min) as unexcused, sum(f.late_min) as late,
                       count(*) filter (where f.scheduled_min > f.not_reported_min) as days,
                       coalesce(sum(f.scheduled_min) filter (where i.kind in ('Lessons', 'Days')), 0) as rate_scheduled,
                       coalesce(sum(f.scheduled_min - f.not_reported_min) filter (where i.kind in ('Lessons', 'Days')), 0) as rate_registered
                from attendance_fact f
                left join import_file_record i on i.id = f.import_file_id
                where f.date between @from and @to
                group by f.skolenhetskod, f.pupil_key
                having sum(f.scheduled_min) > 0),
            levels as (
                select fl.skolenhetskod, fl.pupil_key,
                       max(case fl.level when 'High' then 3 when 'AtRisk' then 2 else 1 end) as level
                from flag fl join run_date r on r.run_id = fl.run_id
                where r.as_of between @from and @to
                group by fl.skolenhetskod, fl.pupil_key),
            newly as (
                select distinct skolenhetskod, pupil_key from level_episode
                where entered_as = 'New' and entered_on between @from and @to),
            sent as (
                select o.skolenhetskod, o.run_id, r.as_of from digest_mail o join run_date r on r.run_id = o.run_id
                where o.sent),
            reported as (
                select fl.skolenhetskod, fl.pupil_key from flag fl
                join sent s on s.run_id = fl.run_id and s.skolenhetskod = fl.skolenhetskod
                where fl.change in ('New', 'Escalated') and s.as_of between @from and @to
                union
                select e.skolenhetskod, e.pupil_key from level_episode e
                where e.last_reported_on between @from and @to
                  and exists (select 1 from sent s where s.skolenhetskod = e.skolenhetskod and s.as_of = e.last_reported_on)),
            first_flag as (
                select distinct on (skolenhetskod, pupil_key) skolenhetskod, pupil_key, entered_on as flagged_on
                from level_episode order by skolenhetskod, pupil_key, entered_on, id),
            -- The anchor: the first digest sent at the school on a night the pupil was at a level, from their first flag on.
            -- With weekly digests that is the next digest day, not the night of the flag.
            alerted as (
                select ff.skolenhetskod, ff.pupil_key,
                       (select min(s.as_of) from sent s
                        where s.skolenhetskod = ff.skolenhetskod and s.as_of between ff.flagged_on and @to
                          and exists (select 1 from level_episode e
                                      where e.skolenhetskod = ff.skolenhetskod and e.pupil_key = ff.pupil_key
                                        and e.entered_on <= s.as_of and (e.left_on is null or e.left_on > s.as_of))) as anchor
                from first_flag ff
                where ff.flagged_on between @from and @to),
            cohort as (
                select skolenhetskod, pupil_key, anchor from alerted where anchor is not null),
            development as (
                select c.skolenhetskod, c.pupil_key, c.anchor,
                       array[
                         sum(f.scheduled_min - f.not_reported_min) filter (where f.date between c.anchor - 27 and c.anchor),
                         sum(f.excused_min) filter (where f.date between c.anchor - 27 and c.anchor),
                         sum(f.unexcused_min) filter (where f.date between c.anchor - 27 and c.anchor),
                         sum(f.late_min) filter (where f.date between c.anchor - 27 and c.anchor),
                         count(*) filter (where f.date between c.anchor - 27 and c.anchor and f.scheduled_min > f.not_reported_min),
                         sum(f.scheduled_min - f.not_reported_min) filter (where f.date between c.anchor + 1 and c.anchor + 28),
                         sum(f.excused_min) filter (where f.date between c.anchor + 1 and c.anchor + 28),
                         sum(f.unexcused_min) filter (where f.date between c.anchor + 1 and c.anchor + 28),
                         sum(f.late_min) filter (where f.date between c.anchor + 1 and c.anchor + 28),
                         count(*) filter (where f.date between c.anchor + 1 and c.anchor + 28 and f.scheduled_min > f.not_reported_min),
                         sum(f.scheduled_min - f.not_reported_min) filter (where f.date between c.anchor - 55 and c.anchor),
                         sum(f.excused_min) filter (where f.date between c.anchor - 55 and c.anchor),
                         sum(f.unexcused_min) filter (where f.date between c.anchor - 55 and c.anchor),
                         sum(f.late_min) filter (where f.date between c.anchor - 55 and c.anchor),
                         count(*) filter (where f.date between c.anchor - 55 and c.anchor and f.scheduled_min > f.not_reported_min),
                         sum(f.scheduled_min - f.not_reported_min) filter (where f.date between c.anchor + 1 and c.anchor + 56),
                         sum(f.excused_min) filter (where f.date between c.anchor + 1 and c.anchor + 56),
                         sum(f.unexcused_min) filter (where f.date between c.anchor + 1 and c.anchor + 56),
                         sum(f.late_min) filter (where f.date between c.anchor + 1 and c.anchor + 56),
                         count(*) filter (where f.date between c.anchor + 1 and c.anchor + 56 and f.scheduled_min > f.not_reported_min)
                       ]::bigint[] as windows
                from cohort c
                join attendance_fact f on f.skolenhetskod = c.skolenhetskod and f.pupil_key = c.pupil_key
                 and f.date between c.anchor - 55 and least(c.anchor + 56, @asOf)
                group by c.skolenhetskod, c.pupil_key, c.anchor),
            support as (
                select i.skolenhetskod, i.pupil_key, i.support_started_on as started,
                       array[
                         sum(f.scheduled_min - f.not_reported_min) filter (where f.date between i.support_started_on - 28 and i.support_started_on - 1),
                         sum(f.excused_min) filter (where f.date between i.support_started_on - 28 and i.support_started_on - 1),
                         sum(f.unexcused_min) filter (where f.date between i.support_started_on - 28 and i.support_started_on - 1),
                         sum(f.late_min) filter (where f.date between i.support_started_on - 28 and i.support_started_on - 1),
                         count(*) filter (where f.date between i.support_started_on - 28 and i.support_started_on - 1 and f.scheduled_min > f.not_reported_min),
                         sum(f.scheduled_min - f.not_reported_min) filter (where f.date between i.support_started_on and i.support_started_on + 27),
                         sum(f.excused_min) filter (where f.date between i.support_started_on and i.support_started_on + 27),
                         sum(f.unexcused_min) filter (where f.date between i.support_started_on and i.support_started_on + 27),
                         sum(f.late_min) filter (where f.date between i.support_started_on and i.support_started_on + 27),
                         count(*) filter (where f.date between i.support_started_on and i.support_started_on + 27 and f.scheduled_min > f.not_reported_min)
                       ]::bigint[] as windows
                from investigation i
                join attendance_fact f on f.skolenhetskod = i.skolenhetskod and f.pupil_key = i.pupil_key
                 and f.date between i.support_started_on - 28 and least(i.support_started_on + 27, @asOf)
                where i.support_started_on between @from and @to
                group by i.skolenhetskod, i.pupil_key, i.support_started_on),
            high as (
                select skolenhetskod, pupil_key, min(entered_on) as since from level_episode
                where level = 'High' and entered_on <= @to and (left_on is null or left_on > @from)
                group by skolenhetskod, pupil_key)
            select f.skolenhetskod, f.pupil_key, p.gender, e.grade,
                   f.registered, f.excused, f.unexcused, f.late, f.days, f.rate_scheduled, f.rate_registered,
                   l.level, n.pupil_key is not null, r.pupil_key is not null, d.anchor, d.windows,
                   c.anchor, h.since, i.started_on, i.closed_on,
                   i.reported_on, i.support_requested_on, i.support_started_on, su.started, su.windows
            from facts f
            join pupil p on p.pupil_key = f.pupil_key
            left join enrolment e on e.pupil_key = f.pupil_key and e.skolenhetskod = f.skolenhetskod
            left join levels l on l.skolenhetskod = f.skolenhetskod and l.pupil_key = f.pupil_key
            left join newly n on n.skolenhetskod = f.skolenhetskod and n.pupil_key = f.pupil_key
            left join reported r on r.skolenhetskod = f.skolenhetskod and r.pupil_key = f.pupil_key
            left join development d on d.skolenhetskod = f.skolenhetskod and d.pupil_key = f.pupil_key
            left join cohort c on c.skolenhetskod = f.skolenhetskod and c.pupil_key = f.pupil_key
            left join high h on h.skolenhetskod = f.skolenhetskod and h.pupil_key = f.pupil_key
            left join investigation i on i.skolenhetskod = f.skolenhetskod and i.pupil_key = f.pupil_key
            left join support su on su.skolenhetskod = f.skolenhetskod and su.pupil_key = f.pupil_key
            order by f.skolenhetskod, f.pupil_key
        """;

    private static DateOnly? Date(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);

    private static SupportDevelopment? SupportOf(NpgsqlDataReader r, int i)
    {
        if (r.IsDBNull(i))
        {
            return null;
        }

        var w = r.GetFieldValue<long?[]>(i + 1);
        Minutes At(int j) => new(w[j] ?? 0, w[j + 1] ?? 0, w[j + 2] ?? 0, w[j + 3] ?? 0, (int)(w[j + 4] ?? 0));
        return new SupportDevelopment(r.GetFieldValue<DateOnly>(i), At(0), At(5));
    }

    /// <summary>The municipality's minutes per ISO week between the dates.</summary>
    public async Task<IReadOnlyList<WeekMinutes>> WeeksAsync(DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        // Per pupil and week first, then per week: the same figures as count(distinct (skolenhetskod, pupil_key)) per week,
        // which sorted every fact by a record and took 68 s against 19 s at 100,000 pupils.
        // A summary export's total is spread over its period's days, lov included: its facts are counted apart, not in the shares.
        await using var cmd = db.CreateCommand("""
            select isoyear, week, min(first_day), max(last_day), count(*) filter (where not summary)::int,
                   coalesce(sum(registered) filter (where not summary), 0)::bigint, coalesce(sum(excused) filter (where not summary), 0)::bigint,
                   coalesce(sum(unexcused) filter (where not summary), 0)::bigint, count(*) filter (where summary)::int
            from (
                select extract(isoyear from af.date)::int as isoyear, extract(week from af.date)::int as week, af.skolenhetskod, af.pupil_key,
                       min(af.date) as first_day, max(af.date) as last_day, bool_and(f.kind is not distinct from 'Summary') as summary,
                       sum(af.scheduled_min - af.not_reported_min) as registered, sum(af.excused_min) as excused, sum(af.unexcused_min) as unexcused
                from attendance_fact af left join import_file_record f on f.id = af.import_file_id
                where af.date between @from and @to and af.scheduled_min > 0
                group by 1, 2, af.skolenhetskod, af.pupil_key) pupil_week
            group by 1, 2 order by 1, 2
            """);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        var weeks = new List<WeekMinutes>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            weeks.Add(new WeekMinutes(r.GetInt32(0), r.GetInt32(1), r.GetFieldValue<DateOnly>(2), r.GetFieldValue<DateOnly>(3),
                r.GetInt32(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7)) { SummaryPupils = r.GetInt32(8) });
        }

        return weeks;
    }

    /// <summary>
    /// Every school in the register, with the digests recorded by runs in the period (sent, and not sent yet or given up),
    /// the exports rejected in the term, and how many nightly runs in the period found its exports stale (as each run's
    /// data-quality check recorded it in run_school.stale).
    /// </summary>
    public async Task<IReadOnlyList<SchoolTerm>> SchoolsAsync(Term term, DateOnly to, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            with digests as (
                select o.skolenhetskod, count(*) filter (where o.sent) as sent, count(*) filter (where not o.sent) as not_sent
                from digest_mail o join run_date r on r.run_id = o.run_id
                where r.as_of between @from and @to
                group by o.skolenhetskod),
            rejected as (
                select skolenhetskod, count(*) as files from import_file_record
                where status = 'Rejected' and imported_on between @termStart and @termEnd
                group by skolenhetskod),
            runs as (
                select skolenhetskod, as_of, run_id as id, stale
                from nightly_school_staleness
                where as_of between @from and @to and stale is not null),
            stale as (
                select skolenhetskod, count(*) as runs, count(*) filter (where stale) as stale,
                       (array_agg(stale order by as_of desc, id desc))[1] as stale_last
                from runs group by skolenhetskod),
            exports as (
                select skolenhetskod, max(period_to) as last_to from import_file_record
                where status = 'Imported' and period_from <= @to group by skolenhetskod)
            select s.skolenhetskod, s.name, s.driftsform, coalesce(d.sent, 0), coalesce(d.not_sent, 0), coalesce(j.files, 0),
                   coalesce(st.runs, 0), coalesce(st.stale, 0), st.stale_last, least(x.last_to, @to)
            from school s
            left join digests d on d.skolenhetskod = s.skolenhetskod
            left join rejected j on j.skolenhetskod = s.skolenhetskod
            left join stale st on st.skolenhetskod = s.skolenhetskod
            left join exports x on x.skolenhetskod = s.skolenhetskod
            order by s.name, s.skolenhetskod
            """);
        cmd.Parameters.AddWithValue("from", term.Start);
        cmd.Parameters.AddWithValue("to", to);
        cmd.Parameters.AddWithValue("termStart", term.Start);
        cmd.Parameters.AddWithValue("termEnd", term.End);
        var schools = new List<SchoolTerm>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            schools.Add(new SchoolTerm(r.GetString(0), r.GetString(1), r.GetString(2), (int)r.GetInt64(3), (int)r.GetInt64(4),
                (int)r.GetInt64(5), (int)r.GetInt64(6), (int)r.GetInt64(7), r.IsDBNull(8) ? null : r.GetBoolean(8),
                r.IsDBNull(9) ? null : r.GetFieldValue<DateOnly>(9)));
        }

        return schools;
    }
}
