using Npgsql;

namespace Skolnarvaro.Notifications.Digests;

/// <summary>Joins digest entries with the little the digest may show about a pupil: name and class at this school.</summary>
internal static class PupilDirectory
{
    public static async Task<IReadOnlyList<FlaggedPupil>> ReadAsync(
        NpgsqlConnection conn, string school, IReadOnlyList<DigestEntry> entries, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select p.pupil_key, p.first_name, p.last_name, e.class_name
            from pupil p join enrolment e on e.pupil_key = p.pupil_key and e.skolenhetskod = @school
            where p.pupil_key = any(@keys)
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
