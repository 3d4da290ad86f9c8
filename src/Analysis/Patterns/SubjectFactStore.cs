using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Analysis.Figures;

namespace Skolnarvaro.Analysis.Patterns;

/// <summary>
/// Lessons per subject, from attendance_subject_fact, which only lesson exports fill. Read for flagged pupils only, over
/// each one's own recent window: the subject pattern describes a flag, it never makes one.
/// </summary>
public sealed class SubjectFactStore(NpgsqlDataSource db)
{
    public async Task<Dictionary<byte[], List<SubjectFigures>>> ReadAsync(
        string school, IReadOnlyCollection<(byte[] PupilKey, DateOnly From)> pupils, DateOnly to, CancellationToken ct = default)
    {
        var result = new Dictionary<byte[], List<SubjectFigures>>(PupilKeyComparer.Instance);
        if (pupils.Count == 0)
        {
            return result;
        }

        await using var cmd = db.CreateCommand("""
            select s.pupil_key, s.subject, sum(s.lessons - s.unreported_lessons)::int, sum(s.absent_lessons)::int
            from unnest(@keys, @froms) as w(pupil_key, from_date)
            join attendance_subject_fact s
              on s.skolenhetskod = @school and s.pupil_key = w.pupil_key and s.date between w.from_date and @to
            group by s.pupil_key, s.subject
            having sum(s.lessons - s.unreported_lessons) > 0
            """);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("keys", pupils.Select(p => p.PupilKey).ToArray());
        cmd.Parameters.AddWithValue("froms", pupils.Select(p => p.From).ToArray());
        cmd.Parameters.AddWithValue("to", to);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var key = r.GetFieldValue<byte[]>(0);
            if (!result.TryGetValue(key, out var subjects))
            {
                result[key] = subjects = [];
            }

            subjects.Add(new SubjectFigures(r.GetString(1), r.GetInt32(2), r.GetInt32(3)));
        }

        return result;
    }
}
