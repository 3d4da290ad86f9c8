using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Analysis.Investigations;

namespace Skolnarvaro.Analysis.Pages;

/// <summary>A pupil a school has asked the skolnärvaroteam's support for, with the school's steps and the weeks since the request.</summary>
public sealed record TeamPupil(
    string Skolenhetskod, byte[] PupilKey, string FirstName, string LastName, string ClassName, Investigation Steps, IReadOnlyList<PupilWeek> Weeks);

/// <summary>
/// The skolnärvaroteam's reads: only pupils with "Stöd begärt" recorded, only at the schools the team serves, both named in SQL
/// (<c>skolenhetskod = any(@schools)</c> and <c>support_requested_on is not null</c>), so no pupil without a request and no
/// other school's pupil is ever read for the team.
/// </summary>
public sealed class TeamPageStore(NpgsqlDataSource db)
{
    /// <summary>The requested pupils of the schools, the earliest request first, each with their weeks from the request's week on.</summary>
    public async Task<IReadOnlyList<TeamPupil>> RequestedAsync(IReadOnlyCollection<string> schools, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var pupils = await PupilsAsync(conn, schools, null, ct);
        var weeks = await WeeksAsync(conn, schools, ct);
        return pupils.Select(p => p with { Weeks = weeks.GetValueOrDefault((p.Skolenhetskod, Convert.ToHexString(p.PupilKey))) ?? [] }).ToList();
    }

    /// <summary>One requested pupil at one of the schools, or null (not at those schools, or no support requested).</summary>
    public async Task<TeamPupil?> RequestedPupilAsync(IReadOnlyCollection<string> schools, string school, byte[] pupilKey, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await PupilsAsync(conn, schools, (school, pupilKey), ct)).FirstOrDefault();
    }

    private static async Task<List<TeamPupil>> PupilsAsync(
        NpgsqlConnection conn, IReadOnlyCollection<string> schools, (string School, byte[] Key)? one, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select i.skolenhetskod, i.pupil_key, p.first_name, p.last_name, e.class_name, i.started_on, i.reported_on, i.closed_on,
                   i.support_requested_on, i.support_started_on, i.support_ended_on
            from investigation i
            join enrolment e on e.skolenhetskod = i.skolenhetskod and e.pupil_key = i.pupil_key
            join pupil p on p.pupil_key = i.pupil_key
            where i.skolenhetskod = any(@schools) and i.support_requested_on is not null
              and (@school::char(8) is null or (i.skolenhetskod = @school and i.pupil_key = @key))
            order by i.support_requested_on, i.skolenhetskod, i.pupil_key
            """, conn);
        cmd.Parameters.AddWithValue("schools", NpgsqlDbType.Array | NpgsqlDbType.Char, schools.ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("school", NpgsqlDbType.Char) { Value = one is { } o ? o.School : DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Bytea) { Value = one is { } k ? k.Key : DBNull.Value });
        var result = new List<TeamPupil>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var steps = new Investigation(Date(r, 5), Date(r, 6), Date(r, 7), Date(r, 8), Date(r, 9), Date(r, 10));
            result.Add(new TeamPupil(r.GetString(0), r.GetFieldValue<byte[]>(1), r.GetString(2), r.GetString(3), r.GetString(4), steps, []));
        }

        return result;
    }

    private static async Task<Dictionary<(string, string), List<PupilWeek>>> WeeksAsync(
        NpgsqlConnection conn, IReadOnlyCollection<string> schools, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select f.skolenhetskod, f.pupil_key, date_trunc('week', f.date)::date, sum(f.scheduled_min)::int, sum(f.excused_min)::int,
                   sum(f.unexcused_min)::int, sum(f.late_min)::int, sum(f.not_reported_min)::int
            from attendance_fact f
            join investigation i on i.skolenhetskod = f.skolenhetskod and i.pupil_key = f.pupil_key
            where f.skolenhetskod = any(@schools) and i.support_requested_on is not null
              and f.date >= date_trunc('week', i.support_requested_on)::date
            group by 1, 2, 3 order by 1, 2, 3
            """, conn);
        cmd.Parameters.AddWithValue("schools", NpgsqlDbType.Array | NpgsqlDbType.Char, schools.ToArray());
        var result = new Dictionary<(string, string), List<PupilWeek>>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var key = (r.GetString(0), Convert.ToHexString(r.GetFieldValue<byte[]>(1)));
            (result.TryGetValue(key, out var list) ? list : result[key] = []).Add(
                new PupilWeek(r.GetFieldValue<DateOnly>(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), r.GetInt32(7)));
        }

        return result;
    }

    private static DateOnly? Date(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
}
