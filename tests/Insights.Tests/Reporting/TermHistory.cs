using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Insights.Tests.Reporting;

/// <summary>
/// A small hand-built term for the report tests, written straight into the tables: two schools of different driftsform,
/// pupils of both genders in three grades (and one without a grade), a pupil who moved, facts from a days, a lessons and a
/// summary export, nightly runs with their data-quality summary, flags, level history, digests in the outbox (sent and
/// not), rejected exports, and the legal steps rektorer recorded (through the real store: corrected, withdrawn and closed
/// steps). The test computes what the report should say from the same lists.
/// </summary>
public sealed class TermHistory
{
    public const string A = "11111111";   // Ängsskolan, municipal, days export
    public const string B = "22222222";   // Björkö friskola, independent, lessons export (and one summary export)
    public const string NameA = "Ängsskolan";
    public const string NameB = "Björkö friskola";
    public static readonly DateOnly TermStart = new(2026, 8, 17);
    public static readonly DateOnly AsOf = new(2026, 11, 20);

    public sealed record Placement(string School, int Pupil, char Gender, int? Grade);

    public sealed record Fact(string School, int Pupil, DateOnly Date, int Scheduled, int Excused, int Unexcused, int Late, int NotReported, string Kind);

    public static byte[] Key(int pupil) => SHA256.HashData(Encoding.UTF8.GetBytes($"report-pupil-{pupil}"));

    /// <summary>Pupil 9 moved from A to B on 1 October and counts at both.</summary>
    public static readonly IReadOnlyList<Placement> Placements =
    [
        new(A, 1, 'F', 7), new(A, 2, 'M', 7), new(A, 3, 'F', 8), new(A, 4, 'M', 8), new(A, 5, 'M', 7), new(A, 9, 'M', 9),
        new(B, 6, 'F', 7), new(B, 7, 'M', null), new(B, 8, 'F', 8), new(B, 9, 'M', 9),
    ];

    public static readonly DateOnly MovedOn = new(2026, 10, 1);

    public static IReadOnlyList<DateOnly> Weekdays(DateOnly from, DateOnly to) =>
        Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays)
            .Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).ToList();

    /// <summary>Every fact: deterministic, uneven absence per pupil and day, a June day before the term and days after the report date.</summary>
    public static IReadOnlyList<Fact> Facts { get; } = BuildFacts();

    private static List<Fact> BuildFacts()
    {
        var facts = new List<Fact>();
        var days = Weekdays(new DateOnly(2026, 6, 8), new DateOnly(2026, 6, 12)).Concat(Weekdays(TermStart, new DateOnly(2026, 11, 27))).ToList();
        foreach (var p in Placements)
        {
            for (var i = 0; i < days.Count; i++)
            {
                var d = days[i];
                if (p.Pupil == 9 && (p.School == A ? d >= MovedOn : d < MovedOn))
                {
                    continue;
                }

                var n = p.Pupil;
                var scheduled = p.School == A ? 300 : 330;
                var excused = (i * 7 + n * 3) % 11 == 0 ? scheduled : (i + n) % 6 == 0 ? 60 : 0;
                var unexcused = excused == scheduled ? 0 : (i * 5 + n) % (n is 1 or 6 ? 3 : 13) == 0 ? 120 : 0;
                var late = (i + n) % 9 == 0 ? 10 : 0;
                var notReported = excused == scheduled ? 0 : (i * 3 + n) % 17 == 0 ? 40 : 0;
                // Pupil 5's school registered nothing for them for four weeks after their first flag: too few days to follow.
                if (n == 5 && d >= new DateOnly(2026, 9, 16) && d <= new DateOnly(2026, 10, 13) && d.Day % 4 != 0)
                {
                    (excused, unexcused, late, notReported) = (0, 0, 0, scheduled);
                }

                var kind = p.School == A ? "Days" : n == 8 ? "Summary" : "Lessons";
                facts.Add(new Fact(p.School, n, d, scheduled, excused, unexcused, late, notReported, kind));
            }
        }

        return facts;
    }

    /// <summary>Writes the whole history; returns the run ids (VT, three HT nightly runs, a back-test run).</summary>
    public static async Task WriteAsync(NpgsqlDataSource db)
    {
        await Exec(db, $"""
            insert into school (skolenhetskod, name, driftsform, huvudman) values
              ('{A}', '{NameA}', 'Municipal', 'Testkommunen'), ('{B}', '{NameB}', 'Independent', 'Björkö AB');
            insert into import_file (skolenhetskod, file_name, content_sha256, profile, kind, status, imported_at, period_from, period_to) values
              ('{A}', 'a-days.csv', '\x01', 'days-default', 'Days', 'Imported', '2026-11-20 20:00+01', '2026-06-08', '2026-11-27'),
              ('{B}', 'b-lessons.csv', '\x02', 'lessons-default', 'Lessons', 'Imported', '2026-11-18 20:00+01', '2026-06-08', '2026-11-18'),
              ('{B}', 'b-summary.csv', '\x03', 'summary-default', 'Summary', 'Imported', '2026-11-18 20:00+01', '2026-08-17', '2026-11-18'),
              ('{B}', 'b-broken.csv', '\x04', 'lessons-default', 'Lessons', 'Rejected', '2026-10-05 21:00+02', null, null),
              ('{A}', 'a-broken-vt.csv', '\x05', 'days-default', 'Days', 'Rejected', '2026-05-10 21:00+02', null, null),
              ('{A}', 'a-broken-ht.csv', '\x06', 'days-default', 'Days', 'Rejected', '2026-09-03 21:00+02', null, null);
            """);

        foreach (var p in Placements.DistinctBy(p => p.Pupil))
        {
            await Exec(db, "insert into pupil (pupil_key, first_name, last_name, gender, birth_year) values (@key, 'Åsa', 'Öberg', @gender, 2012)",
                ("key", Key(p.Pupil)), ("gender", p.Gender.ToString()));
        }

        foreach (var p in Placements)
        {
            var days = Facts.Where(f => f.School == p.School && f.Pupil == p.Pupil).Select(f => f.Date).ToList();
            await Exec(db, """
                insert into enrolment (pupil_key, skolenhetskod, class_name, grade, first_date, last_date) values (@key, @school, 'X', @grade, @first, @last)
                """, ("key", Key(p.Pupil)), ("school", p.School), ("grade", (object?)p.Grade ?? DBNull.Value), ("first", days.Min()), ("last", days.Max()));
        }

        await using (var conn = await db.OpenConnectionAsync())
        await using (var copy = await conn.BeginBinaryImportAsync(
            "copy attendance_fact (skolenhetskod, pupil_key, date, scheduled_min, excused_min, unexcused_min, late_min, not_reported_min, import_file_id) from stdin (format binary)"))
        {
            foreach (var f in Facts)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(f.School, NpgsqlDbType.Char);
                await copy.WriteAsync(Key(f.Pupil), NpgsqlDbType.Bytea);
                await copy.WriteAsync(f.Date, NpgsqlDbType.Date);
                await copy.WriteAsync(f.Scheduled, NpgsqlDbType.Integer);
                await copy.WriteAsync(f.Excused, NpgsqlDbType.Integer);
                await copy.WriteAsync(f.Unexcused, NpgsqlDbType.Integer);
                await copy.WriteAsync(f.Late, NpgsqlDbType.Integer);
                await copy.WriteAsync(f.NotReported, NpgsqlDbType.Integer);
                await copy.WriteAsync(f.Kind switch { "Days" => 1L, "Lessons" => 2L, _ => 3L }, NpgsqlDbType.Bigint);
            }

            await copy.CompleteAsync();
        }

        // Runs: 1 in VT, 2–4 nightly in HT (A stale on the last, B on the first), 5 a back-test with no schools, 6 a nightly
        // run between digest days (14 October: no digests), where pupil 2 is first flagged; A's next digest is run 4's.
        await Exec(db, $$"""
            insert into run (kind, started_at, as_of, status, config_json, config_sha256) values
              ('nightly', now(), '2026-06-01', 'Succeeded', '{}', ''),
              ('nightly', now(), '2026-09-01', 'Succeeded', '{}', ''),
              ('nightly', now(), '2026-09-15', 'Succeeded', '{}', ''),
              ('nightly', now(), '2026-10-20', 'Succeeded', '{}', ''),
              ('backtest', now(), '2026-10-01', 'Succeeded', '{}', ''),
              ('nightly', now(), '2026-10-14', 'Succeeded', '{}', '');
            insert into run_school (run_id, skolenhetskod, status, stale) values
              (1, '{{A}}', 'Imported', true),
              (2, '{{A}}', 'Imported', false), (2, '{{B}}', 'Imported', true),
              (3, '{{A}}', 'Imported', false), (3, '{{B}}', 'Imported', false),
              (4, '{{A}}', 'Imported', true), (4, '{{B}}', 'Imported', false),
              (6, '{{A}}', 'Imported', false), (6, '{{B}}', 'Imported', false);
            """);

        // Flags per run, as the nightly run records them.
        foreach (var (run, school, pupil, level, since, change) in new (int, string, int, string, string, string)[]
                 {
                     (1, A, 3, "High", "2026-06-01", "New"),
                     (2, A, 1, "AtRisk", "2026-09-01", "New"), (2, B, 6, "High", "2026-09-01", "New"),
                     (3, A, 1, "High", "2026-09-15", "Escalated"), (3, B, 6, "High", "2026-09-01", "Still"),
                     (3, A, 4, "AtRisk", "2026-09-15", "New"), (3, A, 5, "AtRisk", "2026-09-15", "New"),
                     (4, A, 1, "AtRisk", "2026-10-20", "Still"), (4, A, 3, "AtRisk", "2026-10-20", "New"), (4, B, 7, "Trend", "2026-10-20", "New"),
                     (4, A, 4, "AtRisk", "2026-09-15", "Still"), (4, A, 5, "AtRisk", "2026-09-15", "Still"), (4, B, 6, "High", "2026-09-01", "Still"),
                     (6, A, 1, "High", "2026-09-15", "Still"), (6, A, 4, "AtRisk", "2026-09-15", "Still"), (6, A, 5, "AtRisk", "2026-09-15", "Still"),
                     (6, B, 6, "High", "2026-09-01", "Still"), (6, A, 2, "AtRisk", "2026-10-14", "New"), (4, A, 2, "AtRisk", "2026-10-14", "Still"),
                 })
        {
            await Exec(db, """
                insert into flag (run_id, skolenhetskod, pupil_key, level, since, change, figures_json, descriptions)
                values (@run, @school, @key, @level, @since::date, @change, '{}', '{}')
                """, ("run", (long)run), ("school", school), ("key", Key(pupil)), ("level", level), ("since", since), ("change", change));
        }

        // The level history those flags make.
        foreach (var (school, pupil, level, entered, enteredRun, enteredAs, left, leftRun, because, reported) in
                 new (string, int, string, string, int, string, string?, int?, string?, string?)[]
                 {
                     (A, 3, "High", "2026-06-01", 1, "New", "2026-09-01", 2, "BelowThresholds", "2026-06-01"),
                     (A, 3, "AtRisk", "2026-10-20", 4, "New", null, null, null, "2026-10-20"),
                     (A, 1, "AtRisk", "2026-09-01", 2, "New", "2026-09-15", 3, "Escalated", "2026-09-01"),
                     (A, 1, "High", "2026-09-15", 3, "Escalated", "2026-10-20", 4, "Lowered", "2026-09-15"),
                     (A, 1, "AtRisk", "2026-10-20", 4, "Lowered", null, null, null, null),
                     (B, 6, "High", "2026-09-01", 2, "New", null, null, null, "2026-09-01"),
                     (A, 4, "AtRisk", "2026-09-15", 3, "New", null, null, null, "2026-09-15"),
                     (A, 5, "AtRisk", "2026-09-15", 3, "New", null, null, null, "2026-09-15"),
                     (B, 7, "Trend", "2026-10-20", 4, "New", null, null, null, "2026-10-20"),
                     (A, 2, "AtRisk", "2026-10-14", 6, "New", null, null, null, "2026-10-20"),
                 })
        {
            await Exec(db, """
                insert into level_episode (skolenhetskod, pupil_key, level, entered_on, entered_run_id, entered_as, left_on, left_run_id, left_because, last_reported_on)
                values (@school, @key, @level, @entered::date, @enteredRun, @enteredAs, @left::date, @leftRun, @because, @reported::date)
                """, ("school", school), ("key", Key(pupil)), ("level", level), ("entered", entered), ("enteredRun", (long)enteredRun),
                ("enteredAs", enteredAs), ("left", (object?)left ?? DBNull.Value), ("leftRun", leftRun is { } lr ? (object)(long)lr : DBNull.Value),
                ("because", (object?)because ?? DBNull.Value), ("reported", (object?)reported ?? DBNull.Value));
        }

        // Digests: A in runs 1–4 sent; B run 2 sent, run 4 queued but not sent (SMTP down); an ops report (no school).
        foreach (var (run, school, sent) in new (int, string?, bool)[]
                 {
                     (1, A, true), (2, A, true), (2, B, true), (3, A, true), (4, A, true), (4, B, false), (2, null, true),
                 })
        {
            await Exec(db, """
                insert into outbox (idempotency_key, run_id, skolenhetskod, recipients, subject, mime, created_at, next_attempt_at, sent_at)
                values (@key, @run, @school, '{rektor@skola.se}', 'Sammanfattning', '\x00', now(), now(), case when @sent then now() end)
                """, ("key", school is null ? $"ops-run{run}" : $"digest-{school}-run{run}"), ("run", (long)run),
                ("school", (object?)school ?? DBNull.Value), ("sent", sent));
        }

        // The legal steps, in the order the rektorer recorded them (null: withdrawn). Current state: pupil 1 started
        // 22 September; pupil 6 16 September (corrected from the 14th); pupil 4 27 October; pupil 5 none (withdrawn);
        // pupil 3 an investigation in VT, closed before the term.
        var store = new InvestigationStore(db, new FixedTime(new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero)));
        foreach (var (school, pupil, step, date) in Steps)
        {
            await store.RecordAsync(school, Key(pupil), step, date is null ? null : DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), "rektor@skola.se");
        }
    }

    public static readonly IReadOnlyList<(string School, int Pupil, InvestigationStep Step, string? Date)> Steps =
    [
        (A, 3, InvestigationStep.Started, "2026-05-20"), (A, 3, InvestigationStep.Closed, "2026-06-10"),
        (B, 6, InvestigationStep.Started, "2026-09-14"), (B, 6, InvestigationStep.Started, "2026-09-16"),
        (A, 1, InvestigationStep.Started, "2026-09-22"),
        (A, 5, InvestigationStep.Started, "2026-10-01"), (A, 5, InvestigationStep.Started, null),
        (A, 4, InvestigationStep.Started, "2026-10-27"),
        // The hand-off: pupil 1 reported, support requested and started early enough to be followed four weeks; pupil 6
        // started too late for that; pupil 4 requested, not started.
        (A, 1, InvestigationStep.Reported, "2026-09-24"), (A, 1, InvestigationStep.SupportRequested, "2026-10-05"),
        (A, 1, InvestigationStep.SupportStarted, "2026-10-12"),
        (B, 6, InvestigationStep.Reported, "2026-09-18"), (B, 6, InvestigationStep.SupportRequested, "2026-10-20"),
        (B, 6, InvestigationStep.SupportStarted, "2026-11-02"),
        (A, 4, InvestigationStep.Reported, "2026-10-28"), (A, 4, InvestigationStep.SupportRequested, "2026-11-10"),
    ];

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");
    }

    private static async Task Exec(NpgsqlDataSource db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.Add(name is "school" ? new NpgsqlParameter(name, NpgsqlDbType.Char) { Value = value } : new NpgsqlParameter(name, value));
        }

        await cmd.ExecuteNonQueryAsync();
    }
}
