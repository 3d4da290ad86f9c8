using NpgsqlTypes;

namespace Skolnarvaro.Ingestion.Roster;

/// <summary>A mentor as the roster in force on a night names them, with the classes they mentor that night.</summary>
public sealed record MentorClasses(string Name, string Email, IReadOnlyList<string> Classes);

public sealed partial class ClassMentors
{
    /// <summary>
    /// The classes the address mentors at the school on the night, in the school's class order; null when the roster in force
    /// names the address for no class there (never named, or replaced): the question a mentor's page asks on every request.
    /// </summary>
    public async Task<MentorClasses?> OfMentorAsync(string skolenhetskod, string email, DateOnly night, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            select class_name, mentor_name from class_mentor
            where skolenhetskod = @school and email = lower(@email)
              and valid_from <= @night and (valid_until is null or valid_until > @night)
            """);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, skolenhetskod);
        cmd.Parameters.AddWithValue("email", email.Trim());
        cmd.Parameters.AddWithValue("night", night);
        var rows = new List<(string Class, string Name)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            rows.Add((r.GetString(0), r.GetString(1)));
        }

        return rows.Count == 0
            ? null
            : new MentorClasses(rows[0].Name, email.Trim().ToLowerInvariant(), rows.Select(x => x.Class).Distinct().Order(SchoolClassOrder.Instance).ToList());
    }
}
