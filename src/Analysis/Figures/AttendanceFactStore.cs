using Npgsql;
using NpgsqlTypes;

namespace Skolnarvaro.Analysis.Figures;

/// <summary>Reads the daily facts that the analysis works from, one pupil at a time, streaming.</summary>
public sealed class AttendanceFactStore(NpgsqlDataSource db)
{
    // The primary key (school, pupil, date) already holds the rows in the order wanted; left to itself the planner prefers
    // a bitmap scan and a sort of the school's rows by bytea, five times slower than walking the index. The school is typed
    // as char(8) like the column: a text parameter makes PostgreSQL compare as text and scan the whole table.
    private const string IndexOrder = "set local enable_sort = off";
    private const string FactsOfSchool = """
        select pupil_key, date, scheduled_min, excused_min, unexcused_min, late_min, not_reported_min
        from attendance_fact
        where skolenhetskod = @school and date between @from and @to
        order by skolenhetskod, pupil_key, date
        """;

    /// <summary>
    /// Each pupil's facts at <paramref name="school"/> between the dates, ordered by date. Only one pupil's days are
    /// in memory at a time, so a school of any size streams.
    /// </summary>
    public async IAsyncEnumerable<(byte[] PupilKey, List<DayFact> Days)> ReadPupilsAsync(
        string school, DateOnly from, DateOnly to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var read = await OpenSchoolAsync(school, from, to, withSchool: false, ct);
        await foreach (var pupil in read.PupilsAsync(ct))
        {
            yield return pupil;
        }
    }

    /// <summary>
    /// The analysis's read of a school, in one round trip: its driftsform, its pupils' arrivals at other schools up to
    /// <paramref name="to"/> (see <see cref="ArrivalsElsewhereAsync"/>), and the stream of its facts between the dates. Each
    /// of these was a statement of its own, and under load each round trip waits for a core.
    /// </summary>
    public Task<SchoolRead> ReadSchoolAsync(string school, DateOnly from, DateOnly to, CancellationToken ct = default) =>
        OpenSchoolAsync(school, from, to, withSchool: true, ct);

    private async Task<SchoolRead> OpenSchoolAsync(string school, DateOnly from, DateOnly to, bool withSchool, CancellationToken ct)
    {
        var conn = await db.OpenConnectionAsync(ct);
        NpgsqlTransaction? tx = null;
        NpgsqlBatch? batch = null;
        try
        {
            // Nothing is written: the transaction only scopes the setting, and ends with the read.
            tx = await conn.BeginTransactionAsync(ct);
            batch = new NpgsqlBatch(conn, tx);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(IndexOrder));
            if (withSchool)
            {
                var driftsform = new NpgsqlBatchCommand(Driftsform);
                driftsform.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
                batch.BatchCommands.Add(driftsform);
                var arrivals = new NpgsqlBatchCommand(Arrivals);
                arrivals.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
                arrivals.Parameters.AddWithValue("to", to);
                batch.BatchCommands.Add(arrivals);
            }

            var facts = new NpgsqlBatchCommand(FactsOfSchool);
            facts.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
            facts.Parameters.AddWithValue("from", from);
            facts.Parameters.AddWithValue("to", to);
            batch.BatchCommands.Add(facts);

            var r = await batch.ExecuteReaderAsync(ct);
            var read = new SchoolRead(conn, tx, batch, r);
            // The setting returns no rows; the reader starts at the first statement that does, but say so rather than trust it.
            while (r.FieldCount == 0 && await r.NextResultAsync(ct))
            {
            }

            if (withSchool)
            {
                read.Driftsform = await r.ReadAsync(ct) && !r.IsDBNull(0) ? r.GetString(0) : null;
                await r.NextResultAsync(ct);
                read.ArrivalsElsewhere = await ReadArrivalsAsync(r, ct);
                await r.NextResultAsync(ct);
            }

            return read;
        }
        catch
        {
            if (batch is not null)
            {
                await batch.DisposeAsync();
            }

            if (tx is not null)
            {
                await tx.DisposeAsync();
            }

            await conn.DisposeAsync();
            throw;
        }
    }

    /// <summary>One school's read: what came before its facts, then its facts one pupil at a time. Ends the read when disposed.</summary>
    public sealed class SchoolRead : IAsyncDisposable
    {
        private readonly NpgsqlConnection conn;
        private readonly NpgsqlTransaction tx;
        private readonly NpgsqlBatch batch;
        private readonly NpgsqlDataReader reader;

        internal SchoolRead(NpgsqlConnection conn, NpgsqlTransaction tx, NpgsqlBatch batch, NpgsqlDataReader reader) =>
            (this.conn, this.tx, this.batch, this.reader) = (conn, tx, batch, reader);

        /// <summary>The school's driftsform as the registry last synced it, or null for a school not in the table.</summary>
        public string? Driftsform { get; internal set; }

        /// <summary>For each pupil ever enrolled at the school: the dates they first turned up at other schools.</summary>
        public Dictionary<byte[], DateOnly[]> ArrivalsElsewhere { get; internal set; } = new(PupilKeyComparer.Instance);

        /// <summary>Each pupil's facts, ordered by date; a new list per pupil, so a pupil's days may be kept.</summary>
        public async IAsyncEnumerable<(byte[] PupilKey, List<DayFact> Days)> PupilsAsync(
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
        {
            var r = reader;
            byte[]? current = null;
            var buffer = new byte[64];
            var days = new List<DayFact>();
            while (await r.ReadAsync(ct))
            {
                // The key is copied into a reused buffer and only becomes an array of its own when the pupil changes.
                var length = (int)r.GetBytes(0, 0, null, 0, 0);
                if (length > buffer.Length)
                {
                    buffer = new byte[length];
                }

                r.GetBytes(0, 0, buffer, 0, length);
                if (current is null || !buffer.AsSpan(0, length).SequenceEqual(current))
                {
                    if (current is not null)
                    {
                        yield return (current, days);
                        days = new List<DayFact>(days.Count);
                    }

                    current = buffer.AsSpan(0, length).ToArray();
                }

                days.Add(new DayFact(r.GetFieldValue<DateOnly>(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6)));
            }

            if (current is not null)
            {
                yield return (current, days);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await reader.DisposeAsync();
            await batch.DisposeAsync();
            await tx.DisposeAsync();
            await conn.DisposeAsync();
        }
    }

    /// <summary>
    /// The facts of the given pupils only at <paramref name="school"/> between the dates, each pupil's ordered by date; a
    /// pupil without facts there is missing. Each pupil's rows come from the primary key, so a school's few flagged pupils
    /// cost a few index probes, not a read of the whole school (the digest's news read every pupil's term again for them).
    /// </summary>
    public async Task<Dictionary<byte[], DayFact[]>> ReadPupilsAsync(
        string school, IReadOnlyCollection<byte[]> pupilKeys, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        var result = new Dictionary<byte[], DayFact[]>(PupilKeyComparer.Instance);
        if (pupilKeys.Count == 0)
        {
            return result;
        }

        await using var cmd = db.CreateCommand("""
            select k.pupil_key, f.date, f.scheduled_min, f.excused_min, f.unexcused_min, f.late_min, f.not_reported_min
            from unnest(@keys) as k(pupil_key)
            cross join lateral (
                select date, scheduled_min, excused_min, unexcused_min, late_min, not_reported_min from attendance_fact a
                where a.skolenhetskod = @school and a.pupil_key = k.pupil_key and a.date between @from and @to) f
            """);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("keys", pupilKeys.Distinct(PupilKeyComparer.Instance).ToArray());
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        var days = new Dictionary<byte[], List<DayFact>>(PupilKeyComparer.Instance);
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            byte[]? current = null;
            List<DayFact>? list = null;
            while (await r.ReadAsync(ct))
            {
                var key = r.GetFieldValue<byte[]>(0);
                if (current is null || !key.AsSpan().SequenceEqual(current))
                {
                    current = key;
                    if (!days.TryGetValue(key, out list))
                    {
                        days[key] = list = [];
                    }
                }

                list!.Add(new DayFact(r.GetFieldValue<DateOnly>(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6)));
            }
        }

        foreach (var (key, list) in days)
        {
            // The rows arrive per pupil in key order already; sorting makes the order a promise, not a plan's habit.
            list.Sort((x, y) => x.Date.CompareTo(y.Date));
            result[key] = [.. list];
        }

        return result;
    }

    /// <summary>
    /// For each pupil ever enrolled at <paramref name="school"/>: the dates they first turned up at other schools, up to
    /// <paramref name="to"/>. A pupil who has turned up elsewhere after their last day here has moved.
    /// </summary>
    public async Task<Dictionary<byte[], DateOnly[]>> ArrivalsElsewhereAsync(string school, DateOnly to, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(Arrivals);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("to", to);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await ReadArrivalsAsync(r, ct);
    }

    // Lateral, so each pupil's other enrolments come from the primary key (pupil first) instead of a hash join over every
    // enrolment in the municipality for every school.
    private const string Arrivals = """
        select e.pupil_key, o.arrivals
        from enrolment e
        cross join lateral (
            select array_agg(x.first_date) as arrivals from enrolment x
            where x.pupil_key = e.pupil_key and x.skolenhetskod <> e.skolenhetskod and x.first_date <= @to) o
        where e.skolenhetskod = @school and o.arrivals is not null
        """;

    private static async Task<Dictionary<byte[], DateOnly[]>> ReadArrivalsAsync(NpgsqlDataReader r, CancellationToken ct)
    {
        var arrivals = new Dictionary<byte[], DateOnly[]>(PupilKeyComparer.Instance);
        while (await r.ReadAsync(ct))
        {
            arrivals[r.GetFieldValue<byte[]>(0)] = r.GetFieldValue<DateOnly[]>(1);
        }

        return arrivals;
    }

    /// <summary>The school's days with scheduled time between the dates: the days a back-test replays.</summary>
    public async Task<IReadOnlyList<DateOnly>> SchoolDaysAsync(string school, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            select distinct date from attendance_fact
            where skolenhetskod = @school and date between @from and @to and scheduled_min > 0
            order by date
            """);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        var days = new List<DateOnly>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            days.Add(r.GetFieldValue<DateOnly>(0));
        }

        return days;
    }

    /// <summary>
    /// Whether the school's facts between the dates show single days: they come from lesson or day exports. Facts spread
    /// from a summary export's totals do not, so no day, weekday or subject pattern can be read from them.
    /// </summary>
    public async Task<bool> ShowsDaysAsync(string school, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            select not exists (select 1 from attendance_fact where skolenhetskod = @school and date between @from and @to)
                or exists (
                    select 1 from attendance_fact af left join import_file f on f.id = af.import_file_id
                    where af.skolenhetskod = @school and af.date between @from and @to and f.kind is distinct from 'Summary')
            """);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// The first of the school's last <paramref name="windowDays"/> school days of the term before <paramref name="term"/>,
    /// or the term's start when it has none there: how far a recent window reaches back over the break.
    /// </summary>
    public async Task<DateOnly> ReachBackAsync(string school, Term term, int windowDays, CancellationToken ct = default)
    {
        var previous = term.Previous;
        await using var cmd = db.CreateCommand("""
            select min(date) from (
                select distinct date from attendance_fact
                where skolenhetskod = @school and date >= @from and date < @before and scheduled_min > 0
                order by date desc limit @count) last_days
            """);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("from", previous.Start);
        cmd.Parameters.AddWithValue("before", term.Start);
        cmd.Parameters.AddWithValue("count", windowDays);
        return await cmd.ExecuteScalarAsync(ct) is DateOnly first ? first : term.Start;
    }

    private const string Driftsform = "select driftsform from school where skolenhetskod = @school";

    /// <summary>The school's driftsform as the registry last synced it, or null for a school not in the table.</summary>
    public async Task<string?> DriftsformAsync(string school, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(Driftsform);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }
}

/// <summary>Compares pupil keys (HMACs) by content, for dictionaries and sets keyed by them.</summary>
public sealed class PupilKeyComparer : IEqualityComparer<byte[]>
{
    public static readonly PupilKeyComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] key)
    {
        var hash = new HashCode();
        hash.AddBytes(key);
        return hash.ToHashCode();
    }
}

/// <summary>
/// Whether a pupil still belongs to a school on a date. Figures are per school, so a pupil who moved would otherwise stay
/// flagged at the old school on their last weeks there for the rest of the term.
/// </summary>
public static class SchoolRoll
{
    /// <summary>A pupil missing from every export of the school for this long has left it (moved away, or a move not yet seen).</summary>
    public const int LeftAfterDays = 14;

    /// <param name="pupilLast">The pupil's last day with facts at the school, up to <paramref name="asOf"/>.</param>
    /// <param name="schoolLast">The school's last day with facts for any pupil, up to <paramref name="asOf"/>.</param>
    /// <param name="arrivalsElsewhere">The dates the pupil first turned up at other schools.</param>
    public static bool IsOnRoll(DateOnly pupilLast, DateOnly schoolLast, DateOnly[]? arrivalsElsewhere, DateOnly asOf)
    {
        if (pupilLast.AddDays(LeftAfterDays) < schoolLast)
        {
            return false;
        }

        if (arrivalsElsewhere is not null)
        {
            foreach (var arrived in arrivalsElsewhere)
            {
                if (arrived > pupilLast && arrived <= asOf)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
