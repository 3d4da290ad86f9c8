using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Analysis.Tests;

/// <summary>
/// Hand-built fact histories written straight into the tables the importer fills (school, pupil, enrolment,
/// attendance_fact with its subjects), so a test states exactly the days it means.
/// <code>
/// var history = new FactHistory(db.DataSource);
/// await history.SchoolAsync("11111111");
/// await history.DaysAsync("11111111", FactHistory.Pupil(1), FactHistory.Days(start, 20, i => i &lt; 2 ? 300 : 0));
/// </code>
/// </summary>
public sealed class FactHistory(NpgsqlDataSource db)
{
    public const int Minutes = TestExports.MinutesPerDay;

    /// <summary>A pupil key as the importer would make one (32 bytes), from a number.</summary>
    public static byte[] Pupil(int n) => SHA256.HashData(Encoding.UTF8.GetBytes($"pupil-{n}"));

    /// <summary>Weekdays from <paramref name="start"/>, each scheduled <see cref="Minutes"/>, absent (ogiltig) as <paramref name="absent"/> says.</summary>
    public static List<DayFact> Days(DateOnly start, int count, Func<int, int> absent) =>
        TestExports.SchoolDays(start, count).Select((d, i) => new DayFact(d, Minutes, 0, absent(i), 0, 0)).ToList();

    public async Task SchoolAsync(string code, string driftsform = "Municipal")
    {
        await using var cmd = db.CreateCommand("""
            insert into school (skolenhetskod, name, driftsform, huvudman) values (@code, @name, @form, 'Testkommunen')
            on conflict (skolenhetskod) do update set driftsform = excluded.driftsform
            """);
        cmd.Parameters.AddWithValue("code", code);
        cmd.Parameters.AddWithValue("name", $"Skola {code}");
        cmd.Parameters.AddWithValue("form", driftsform);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Writes the pupil, their enrolment at the school (first and last date from the facts) and the facts.</summary>
    public async Task DaysAsync(string school, byte[] pupil, IReadOnlyList<DayFact> days, string firstName = "Elev")
    {
        await using var conn = await db.OpenConnectionAsync();
        await using (var cmd = new NpgsqlCommand("""
            insert into pupil (pupil_key, first_name, last_name, gender, birth_year) values (@key, @first, 'Testsson', 'F', 2013)
            on conflict (pupil_key) do nothing;
            insert into enrolment (pupil_key, skolenhetskod, class_name, grade, first_date, last_date) values (@key, @school, '7A', 7, @first_date, @last_date)
            on conflict (pupil_key, skolenhetskod) do update set
                first_date = least(enrolment.first_date, excluded.first_date), last_date = greatest(enrolment.last_date, excluded.last_date);
            """, conn))
        {
            cmd.Parameters.AddWithValue("key", pupil);
            cmd.Parameters.AddWithValue("first", firstName);
            cmd.Parameters.AddWithValue("school", school);
            cmd.Parameters.AddWithValue("first_date", days.Min(d => d.Date));
            cmd.Parameters.AddWithValue("last_date", days.Max(d => d.Date));
            await cmd.ExecuteNonQueryAsync();
        }

        await using var copy = await conn.BeginBinaryImportAsync(
            "copy attendance_fact (skolenhetskod, pupil_key, date, scheduled_min, excused_min, unexcused_min, late_min, not_reported_min, import_file_id) from stdin (format binary)");
        foreach (var d in days)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(school, NpgsqlDbType.Char);
            await copy.WriteAsync(pupil, NpgsqlDbType.Bytea);
            await copy.WriteAsync(d.Date, NpgsqlDbType.Date);
            await copy.WriteAsync(d.Scheduled, NpgsqlDbType.Integer);
            await copy.WriteAsync(d.Excused, NpgsqlDbType.Integer);
            await copy.WriteAsync(d.Unexcused, NpgsqlDbType.Integer);
            await copy.WriteAsync(d.Late, NpgsqlDbType.Integer);
            await copy.WriteAsync(d.NotReported, NpgsqlDbType.Integer);
            await copy.WriteAsync(1L, NpgsqlDbType.Bigint);
        }

        await copy.CompleteAsync();
    }

    /// <summary>Lessons in one subject on each of the dates, added to that day's fact as a lesson import would.</summary>
    public async Task SubjectAsync(string school, byte[] pupil, string subject, IEnumerable<(DateOnly Date, int Lessons, int AbsentLessons)> lessons)
    {
        await using var conn = await db.OpenConnectionAsync();
        foreach (var (date, count, absent) in lessons)
        {
            await using var cmd = new NpgsqlCommand("""
                with code as (
                    insert into school_subject (skolenhetskod, code, name)
                    values (@school, (select coalesce(max(code), -1) + 1 from school_subject where skolenhetskod = @school), @subject)
                    on conflict (skolenhetskod, name) do update set name = excluded.name
                    returning code)
                update attendance_fact set subjects = coalesce(subjects, ''::bytea)
                    || set_byte(set_byte(set_byte('\x00000000'::bytea, 1, @lessons), 3, @absent), 0, (select code from code))
                where skolenhetskod = @school and pupil_key = @pupil and date = @date
                """, conn);
            cmd.Parameters.AddWithValue("subject", subject);
            cmd.Parameters.AddWithValue("lessons", count);
            cmd.Parameters.AddWithValue("absent", absent);
            cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
            cmd.Parameters.AddWithValue("pupil", pupil);
            cmd.Parameters.AddWithValue("date", date);
            (await cmd.ExecuteNonQueryAsync()).Should().Be(1, "subjects break down a day that has a fact");
        }
    }
}
