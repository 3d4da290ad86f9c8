using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Calendar;

namespace Skolnarvaro.Analysis.Pages;

/// <summary>A pupil at a level on the school's list, in the last run's concern order.</summary>
public sealed record ListedPupil(
    byte[] PupilKey, string FirstName, string LastName, string ClassName, Level Level, DateOnly Since, DateOnly AtALevelSince,
    double TermShare, double RecentShare, int Rank, Investigation? Investigation);

/// <summary>One school week of a pupil's term: minutes scheduled, absent with and without leave, late, not reported.</summary>
public sealed record PupilWeek(DateOnly Monday, int Scheduled, int Excused, int Unexcused, int Late, int NotReported)
{
    public int Registered => Scheduled - NotReported;

    /// <summary>Giltig and ogiltig frånvaro over registered time; null for a week without registered time.</summary>
    public double? AbsenceShare => Registered > 0 ? (double)(Excused + Unexcused) / Registered : null;
}

/// <summary>What the rektor's page shows of one pupil: no personnummer and no reasons, as in the digest.</summary>
public sealed record PupilPage(
    byte[] PupilKey, string Skolenhetskod, string FirstName, string LastName, string ClassName, Level? Level, DateOnly? Since,
    double? TermShare, double? RecentShare, IReadOnlyList<string> Descriptions, Term Term, IReadOnlyList<PupilWeek> Weeks, bool ShowsDays,
    IReadOnlyList<LevelEpisode> Episodes, Investigation? Investigation, IReadOnlyList<InvestigationChange> Changes);

/// <summary>A school's line on the huvudman's view.</summary>
public sealed record SchoolInvestigations(
    string Skolenhetskod, int High, int AtRisk, int Trend, int Started, int Reported, int Closed, IReadOnlyList<OverduePupil> Overdue)
{
    /// <summary>Every pupil at hög frånvaro with no investigation recorded, the longest waiting first; <see cref="Overdue"/> are those past the expected days.</summary>
    public IReadOnlyList<OverduePupil> Waiting { get; init; } = Overdue;
    /// <summary>The school's support requests dated in the term, and how soon they came and were taken up.</summary>
    public SupportRequests Support { get; init; } = SupportRequests.None;
}

/// <summary>
/// Support requested from the skolnärvaroteam in the term: how many, how many the team started, and per request the school
/// days from "Anmält till huvudmannen" to the request and (where started) from the request to the start.
/// </summary>
public sealed record SupportRequests(int Requested, int Started, IReadOnlyList<int> DaysReportToRequest, IReadOnlyList<int> DaysRequestToStart)
{
    public static readonly SupportRequests None = new(0, 0, [], []);
}

/// <summary>A pupil at hög frånvaro for longer than expected with no investigation recorded.</summary>
public sealed record OverduePupil(byte[] PupilKey, string FirstName, string LastName, string ClassName, DateOnly HighSince, int SchoolDays);

/// <summary>
/// The pupils a page may show: those of the allowed schools and, where <paramref name="Classes"/> is given (a mentor's
/// classes), only those enrolled in one of them. Both are named in the SQL of every read that picks pupils.
/// </summary>
public sealed record PageScope(IReadOnlyCollection<string> Schools, IReadOnlyCollection<string>? Classes = null);

/// <summary>
/// The reads behind the rektor's page and the huvudman's view. Every query takes the schools the signed-in user may see
/// and names them in SQL (<c>skolenhetskod = any(@allowed)</c>), so an edited URL can never reach another school's pupil.
/// </summary>
public sealed class SchoolPageStore(NpgsqlDataSource db, AttendanceFactStore facts, InvestigationStore investigations, SchoolCalendar calendar)
{
    /// <summary>Everyone at a level at the school now, in the last run's concern order; empty for a school not allowed.</summary>
    public Task<IReadOnlyList<ListedPupil>> ListAsync(IReadOnlyCollection<string> allowed, string school, CancellationToken ct = default) =>
        ListAsync(new PageScope(allowed), school, ct);

    /// <summary>Everyone at a level in the scope at the school now, in the last run's concern order; empty for a school not allowed.</summary>
    public async Task<IReadOnlyList<ListedPupil>> ListAsync(PageScope scope, string school, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            with latest as (select max(run_id) as run_id from flag where skolenhetskod = @school)
            select f.pupil_key, p.first_name, p.last_name, coalesce(e.class_name, ''), f.level, ep.entered_on,
                   -- An unbroken run of episodes starts with the pupil's latest episode entered as new; the facts may show the
                   -- absence reached the level earlier than the night that first saw it (the flag's since).
                   least(f.since, coalesce((select max(c.entered_on) from level_episode c where c.skolenhetskod = f.skolenhetskod and c.pupil_key = f.pupil_key
                             and c.entered_as = 'New' and c.entered_on <= ep.entered_on), ep.entered_on)),
                   coalesce((f.figures_json->>'termAbsenceShare')::float8, 0), coalesce((f.figures_json->>'recentAbsenceShare')::float8, 0),
                   coalesce(f.concern_rank, 2147483647), i.started_on, i.reported_on, i.closed_on,
                   i.support_requested_on, i.support_started_on, i.support_ended_on
            from flag f
            join latest l on f.run_id = l.run_id
            join level_episode ep on ep.skolenhetskod = f.skolenhetskod and ep.pupil_key = f.pupil_key and ep.left_on is null
            join pupil p on p.pupil_key = f.pupil_key
            left join enrolment e on e.pupil_key = f.pupil_key and e.skolenhetskod = f.skolenhetskod
            left join investigation i on i.skolenhetskod = f.skolenhetskod and i.pupil_key = f.pupil_key
            where f.skolenhetskod = @school and f.skolenhetskod = any(@allowed) and (not @byClass or lower(e.class_name) = any(@classes))
            order by 10, f.pupil_key
            """);
        Scope(cmd, scope, school);
        var result = new List<ListedPupil>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add(new ListedPupil(
                r.GetFieldValue<byte[]>(0), r.GetString(1), r.GetString(2), r.GetString(3), Enum.Parse<Level>(r.GetString(4)),
                r.GetFieldValue<DateOnly>(5), r.GetFieldValue<DateOnly>(6), r.GetDouble(7), r.GetDouble(8), r.GetInt32(9),
                InvestigationOf(r, 10)));
        }

        return result;
    }

    /// <summary>One pupil at the school with their term week by week, level history and legal steps; null when not enrolled there or not allowed.</summary>
    public Task<PupilPage?> PupilAsync(IReadOnlyCollection<string> allowed, string school, byte[] pupilKey, CancellationToken ct = default) =>
        PupilAsync(new PageScope(allowed), school, pupilKey, ct);

    /// <summary>
    /// One pupil in the scope with their term week by week, level history and legal steps; null when not enrolled at the school,
    /// not in the scope's classes, or the school is not allowed. The first read decides, in SQL; the others follow from its answer.
    /// </summary>
    public async Task<PupilPage?> PupilAsync(PageScope scope, string school, byte[] pupilKey, CancellationToken ct = default)
    {
        var allowed = scope.Schools;
        await using var conn = await db.OpenConnectionAsync(ct);
        string first, last, className;
        DateOnly lastDate;
        await using (var cmd = new NpgsqlCommand("""
            select p.first_name, p.last_name, e.class_name,
                   coalesce((select max(date) from attendance_fact where skolenhetskod = e.skolenhetskod), e.last_date)
            from enrolment e join pupil p on p.pupil_key = e.pupil_key
            where e.skolenhetskod = @school and e.skolenhetskod = any(@allowed) and e.pupil_key = @key
              and (not @byClass or lower(e.class_name) = any(@classes))
            """, conn))
        {
            Scope(cmd, scope, school);
            cmd.Parameters.AddWithValue("key", pupilKey);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct))
            {
                return null;
            }

            (first, last, className, lastDate) = (r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateOnly>(3));
        }

        var term = Term.Containing(lastDate);
        var weeks = new List<PupilWeek>();
        await using (var cmd = new NpgsqlCommand("""
            select date_trunc('week', date)::date, sum(scheduled_min)::int, sum(excused_min)::int, sum(unexcused_min)::int,
                   sum(late_min)::int, sum(not_reported_min)::int
            from attendance_fact
            where skolenhetskod = @school and skolenhetskod = any(@allowed) and pupil_key = @key and date between @from and @to
            group by 1 order by 1
            """, conn))
        {
            Scope(cmd, allowed, school);
            cmd.Parameters.AddWithValue("key", pupilKey);
            cmd.Parameters.AddWithValue("from", term.Start);
            cmd.Parameters.AddWithValue("to", term.End);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                weeks.Add(new PupilWeek(r.GetFieldValue<DateOnly>(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5)));
            }
        }

        Level? level = null;
        DateOnly? since = null;
        double? termShare = null, recentShare = null;
        IReadOnlyList<string> descriptions = [];
        await using (var cmd = new NpgsqlCommand("""
            select f.level, least(f.since, ep.entered_on), (f.figures_json->>'termAbsenceShare')::float8, (f.figures_json->>'recentAbsenceShare')::float8, f.descriptions
            from level_episode ep
            join flag f on f.skolenhetskod = ep.skolenhetskod and f.pupil_key = ep.pupil_key
                and f.run_id = (select max(run_id) from flag where skolenhetskod = ep.skolenhetskod and pupil_key = ep.pupil_key)
            where ep.skolenhetskod = @school and ep.skolenhetskod = any(@allowed) and ep.pupil_key = @key and ep.left_on is null
            """, conn))
        {
            Scope(cmd, allowed, school);
            cmd.Parameters.AddWithValue("key", pupilKey);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct))
            {
                (level, since) = (Enum.Parse<Level>(r.GetString(0)), r.GetFieldValue<DateOnly>(1));
                (termShare, recentShare) = (r.IsDBNull(2) ? null : r.GetDouble(2), r.IsDBNull(3) ? null : r.GetDouble(3));
                descriptions = r.GetFieldValue<string[]>(4);
            }
        }

        var episodes = await LevelHistoryStore.ForPupilAsync(conn, school, pupilKey, ct);
        var investigation = (await InvestigationStore.ForSchoolAsync(conn, school, [pupilKey], ct)).GetValueOrDefault(pupilKey);
        var changes = await investigations.HistoryAsync(school, pupilKey, ct);
        var showsDays = await facts.ShowsDaysAsync(school, term.Start, term.End, ct);
        return new PupilPage(pupilKey, school, first, last, className, level, since, termShare, recentShare, descriptions, term, weeks, showsDays,
            episodes, investigation, changes);
    }

    /// <summary>
    /// Per allowed school: pupils at each level now, investigations started, reported and closed in the term, and the pupils at
    /// hög frånvaro for more than <paramref name="expectedWithinSchoolDays"/> of the school's school days up to
    /// <paramref name="asOf"/> without one recorded. The days are the school calendar's, not the days the school's exports
    /// hold: a school whose exports stopped does not stop the rektor's clock.
    /// </summary>
    public async Task<IReadOnlyList<SchoolInvestigations>> InvestigationsAsync(
        IReadOnlyCollection<string> allowed, Term term, DateOnly asOf, int expectedWithinSchoolDays, CancellationToken ct = default)
    {
        var result = new List<SchoolInvestigations>();
        foreach (var school in allowed.Order(StringComparer.Ordinal))
        {
            var listed = await ListAsync(allowed, school, ct);
            var counts = new int[3];
            await using (var cmd = db.CreateCommand("""
                select count(*) filter (where started_on between @from and @to), count(*) filter (where reported_on between @from and @to),
                       count(*) filter (where closed_on between @from and @to)
                from investigation where skolenhetskod = @school and skolenhetskod = any(@allowed)
                """))
            {
                Scope(cmd, allowed, school);
                cmd.Parameters.AddWithValue("from", term.Start);
                cmd.Parameters.AddWithValue("to", term.End);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                await r.ReadAsync(ct);
                (counts[0], counts[1], counts[2]) = ((int)r.GetInt64(0), (int)r.GetInt64(1), (int)r.GetInt64(2));
            }

            var high = listed.Where(p => p.Level == Level.High && p.Investigation?.StartedOn is null).ToList();
            // Counted in the school calendar's school days: a school whose exports stopped does not stop the rektor's clock.
            var waiting = high.Select(p => new OverduePupil(p.PupilKey, p.FirstName, p.LastName, p.ClassName, p.Since,
                calendar.DaysBetween(school, p.Since, asOf))).ToList();

            var support = await SupportAsync(allowed, school, term, asOf, ct);
            var longestFirst = waiting.OrderByDescending(o => o.SchoolDays).ToList();
            result.Add(new SchoolInvestigations(school, listed.Count(p => p.Level == Level.High), listed.Count(p => p.Level == Level.AtRisk),
                listed.Count(p => p.Level == Level.Trend), counts[0], counts[1], counts[2], [.. longestFirst.Where(o => o.SchoolDays > expectedWithinSchoolDays)])
            {
                Waiting = longestFirst,
                Support = support,
            });
        }

        return result;
    }

    private static void Scope(NpgsqlCommand cmd, PageScope scope, string school)
    {
        Scope(cmd, scope.Schools, school);
        cmd.Parameters.AddWithValue("byClass", scope.Classes is not null);
        cmd.Parameters.AddWithValue("classes", NpgsqlDbType.Array | NpgsqlDbType.Text, (scope.Classes ?? []).Select(c => c.Trim().ToLowerInvariant()).ToArray());
    }

    /// <summary>The school's support requests dated in the term up to <paramref name="asOf"/>, school days by the school calendar.</summary>
    private async Task<SupportRequests> SupportAsync(IReadOnlyCollection<string> allowed, string school, Term term, DateOnly asOf, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select reported_on, support_requested_on, support_started_on from investigation
            where skolenhetskod = @school and skolenhetskod = any(@allowed) and support_requested_on between @from and @to
            """);
        Scope(cmd, allowed, school);
        cmd.Parameters.AddWithValue("from", term.Start);
        cmd.Parameters.AddWithValue("to", asOf < term.End ? asOf : term.End);
        var (requested, started, toRequest, toStart) = (0, 0, new List<int>(), new List<int>());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var request = r.GetFieldValue<DateOnly>(1);
            requested++;
            if (!r.IsDBNull(0))
            {
                toRequest.Add(calendar.DaysBetween(school, r.GetFieldValue<DateOnly>(0), request));
            }

            if (!r.IsDBNull(2) && r.GetFieldValue<DateOnly>(2) <= asOf)
            {
                started++;
                toStart.Add(calendar.DaysBetween(school, request, r.GetFieldValue<DateOnly>(2)));
            }
        }

        return new SupportRequests(requested, started, toRequest, toStart);
    }

    private static void Scope(NpgsqlCommand cmd, IReadOnlyCollection<string> allowed, string school)
    {
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("allowed", NpgsqlDbType.Array | NpgsqlDbType.Char, allowed.ToArray());
    }

    /// <summary>The six step dates from column <paramref name="i"/> on; null when no step is recorded.</summary>
    private static Investigation? InvestigationOf(NpgsqlDataReader r, int i)
    {
        DateOnly? At(int c) => r.IsDBNull(i + c) ? null : r.GetFieldValue<DateOnly>(i + c);
        return Enumerable.Range(0, 6).All(c => r.IsDBNull(i + c)) ? null : new Investigation(At(0), At(1), At(2), At(3), At(4), At(5));
    }
}
