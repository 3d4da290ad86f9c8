using Npgsql;
using NpgsqlTypes;

namespace Skolnarvaro.Ingestion.Roster;

/// <summary>A mentor of a class as the roster in force on a night names them.</summary>
public sealed record Mentor(string Name, string Email);

/// <summary>One class of a school with its mentors on a night; no mentors when the roster names none for it.</summary>
public sealed record ClassWithMentors(string Class, IReadOnlyList<Mentor> Mentors);

/// <summary>
/// Who mentored which class on a given night, from the rosters the school sent (class_mentor, written by
/// <see cref="RosterImporter"/>): the question a mentor's digest, or an explanation of one afterwards, asks.
/// A school's classes on a night are those of its pupils in the exports of that school year up to that night.
/// </summary>
public sealed partial class ClassMentors(NpgsqlDataSource db)
{
    /// <summary>The mentors of class <paramref name="className"/> at the school on night <paramref name="night"/>, by name.</summary>
    public async Task<IReadOnlyList<Mentor>> OfClassAsync(string skolenhetskod, string className, DateOnly night, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            select mentor_name, email from class_mentor
            where skolenhetskod = @school and lower(class_name) = lower(@class)
              and valid_from <= @night and (valid_until is null or valid_until > @night)
            order by mentor_name, email
            """);
        Bind(cmd, skolenhetskod, night);
        cmd.Parameters.AddWithValue("class", className.Trim());
        var mentors = new List<Mentor>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            mentors.Add(new Mentor(r.GetString(0), r.GetString(1)));
        }

        return mentors;
    }

    /// <summary>Every class the school had on the night, each with its mentors (none when the roster names none for it).</summary>
    public async Task<IReadOnlyList<ClassWithMentors>> OfSchoolAsync(string skolenhetskod, DateOnly night, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"""
            with classes as ({SchoolClassesSql})
            select c.class_name, m.mentor_name, m.email
            from classes c
            left join class_mentor m on m.skolenhetskod = @school and lower(m.class_name) = lower(c.class_name)
                 and m.valid_from <= @night and (m.valid_until is null or m.valid_until > @night)
            order by c.class_name, m.mentor_name, m.email
            """);
        Bind(cmd, skolenhetskod, night);
        var rows = new List<(string Class, Mentor? Mentor)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                rows.Add((r.GetString(0), r.IsDBNull(1) ? null : new Mentor(r.GetString(1), r.GetString(2))));
            }
        }

        return rows.GroupBy(x => x.Class)
            .Select(g => new ClassWithMentors(g.Key, g.Where(x => x.Mentor is not null).Select(x => x.Mentor!).ToList()))
            .OrderBy(c => c.Class, SchoolClassOrder.Instance)
            .ToList();
    }

    /// <summary>The school's classes that no roster in force on the night gives a mentor: the rektor is to be told of them.</summary>
    public async Task<IReadOnlyList<string>> WithoutMentorAsync(string skolenhetskod, DateOnly night, CancellationToken ct = default) =>
        (await OfSchoolAsync(skolenhetskod, night, ct)).Where(c => c.Mentors.Count == 0).Select(c => c.Class).ToList();

    /// <summary>The school's classes on the night: those of its pupils in the exports of the school year, up to the night.</summary>
    public static async Task<IReadOnlyList<string>> ClassesAsync(NpgsqlConnection conn, string skolenhetskod, DateOnly night, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(SchoolClassesSql, conn);
        Bind(cmd, skolenhetskod, night);
        var classes = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            classes.Add(r.GetString(0));
        }

        return classes.Order(SchoolClassOrder.Instance).ToList();
    }

    /// <summary>The first of August before (or on) the night: where a school year, and its classes, begin.</summary>
    public static DateOnly SchoolYearStart(DateOnly night) => new(night.Month >= 8 ? night.Year : night.Year - 1, 8, 1);

    private const string SchoolClassesSql = """
        select distinct class_name from enrolment
        where skolenhetskod = @school and class_name <> '' and first_date <= @night and last_date >= @yearStart
        """;

    private static void Bind(NpgsqlCommand cmd, string skolenhetskod, DateOnly night)
    {
        cmd.Parameters.Add(new NpgsqlParameter("school", NpgsqlDbType.Char) { Value = skolenhetskod });
        cmd.Parameters.AddWithValue("night", night);
        cmd.Parameters.AddWithValue("yearStart", SchoolYearStart(night));
    }
}

/// <summary>Classes in the order a school lists them: by grade number, then name (F before 1, 2A before 10A).</summary>
public sealed class SchoolClassOrder : IComparer<string>
{
    public static readonly SchoolClassOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        var byGrade = Grade(x ?? "").CompareTo(Grade(y ?? ""));
        return byGrade != 0 ? byGrade : string.CompareOrdinal(x, y);
    }

    private static int Grade(string name)
    {
        var digits = string.Concat(name.TakeWhile(char.IsAsciiDigit));
        return digits.Length is > 0 and < 6 ? int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) : -1;
    }
}
