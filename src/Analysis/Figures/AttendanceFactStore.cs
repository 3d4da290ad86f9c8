using Npgsql;

namespace Skolnarvaro.Analysis.Figures;

/// <summary>Reads the daily facts that the analysis works from, one pupil at a time, streaming.</summary>
public sealed class AttendanceFactStore(NpgsqlDataSource db)
{
    /// <summary>Each pupil's facts at <paramref name="school"/> between the dates, ordered by date.</summary>
    public async IAsyncEnumerable<(byte[] PupilKey, List<DayFact> Days)> ReadPupilsAsync(
        string school, DateOnly from, DateOnly to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            select pupil_key, date, scheduled_min, excused_min, unexcused_min, late_min, not_reported_min
            from attendance_fact
            where skolenhetskod = @school and date between @from and @to
            order by pupil_key, date
            """, conn);
        cmd.Parameters.AddWithValue("school", school);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        byte[]? current = null;
        var days = new List<DayFact>();
        while (await r.ReadAsync(ct))
        {
            var key = r.GetFieldValue<byte[]>(0);
            if (current is not null && !key.AsSpan().SequenceEqual(current))
            {
                yield return (current, days);
                days = [];
            }

            current = key;
            days.Add(new DayFact(r.GetFieldValue<DateOnly>(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6)));
        }

        if (current is not null)
        {
            yield return (current, days);
        }
    }
}
