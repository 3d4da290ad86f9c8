using Npgsql;

namespace Skolnarvaro.Notifications.Digests;

/// <summary>Joins digest entries with the little the digest may show about a pupil: name and class at this school.</summary>
internal static class PupilDirectory
{
    public static async Task<IReadOnlyList<FlaggedPupil>> ReadAsync(
        NpgsqlConnection conn, string school, IReadOnlyList<DigestEntry> entries, CancellationToken ct)
    {
        // Driven by the keys, one index probe each: with `where p.pupil_key = any(@keys)` and statistics taken while a first
        // night's imports had filled enrolment only in part, the planner expected one pupil at the school and scanned
        // all of pupil once per enrolment: 2–3.6 s a school instead of 1 ms.
        await using var cmd = new NpgsqlCommand("""
            select p.pupil_key, p.first_name, p.last_name, e.class_name
            from unnest(@keys) as k(pupil_key)
            join pupil p on p.pupil_key = k.pupil_key
            join enrolment e on e.pupil_key = k.pupil_key and e.skolenhetskod = @school
            """, conn);
        cmd.Parameters.AddWithValue("school", NpgsqlTypes.NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("keys", entries.Select(f => f.PupilKey).ToArray());
        var names = new Dictionary<string, (string First, string Last, string Class)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                names[Convert.ToHexString(r.GetFieldValue<byte[]>(0))] = (r.GetString(1), r.GetString(2), r.GetString(3));
            }
        }

        // Scoped by the join on this school's enrolment: a pupil of another school can never appear here.
        return entries
            .Where(f => names.ContainsKey(Convert.ToHexString(f.PupilKey)))
            .Select(f =>
            {
                var (first, last, cls) = names[Convert.ToHexString(f.PupilKey)];
                return new FlaggedPupil(f, first, last, cls);
            })
            .ToList();
    }
}
