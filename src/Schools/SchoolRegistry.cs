using System.Collections;
using Microsoft.Extensions.Configuration;

namespace Skolnarvaro.Schools;

/// <summary>
/// The municipality's schools in the registry's order, read from configuration once at start (not reloaded while the worker
/// runs) and validated then (<see cref="SchoolRegistryValidator"/>): every stage asks it, none reads Skolnarvaro:Schools itself.
/// </summary>
public sealed class SchoolRegistry : IReadOnlyList<School>
{
    private readonly IReadOnlyList<School> schools;
    private readonly Dictionary<string, School> byCode = new(StringComparer.Ordinal);

    public SchoolRegistry(IEnumerable<School> schools)
    {
        this.schools = schools.ToList();
        foreach (var school in this.schools.Where(s => s.Skolenhetskod.Length > 0))
        {
            byCode.TryAdd(school.Skolenhetskod, school);
        }
    }

    public SchoolRegistry(SchoolRegistryOptions options)
        : this(options.Schools.Select(Typed))
    {
    }

    /// <summary>
    /// The registry bound from configuration without the start-up validation, so that a stage's validator asking for it
    /// while the registry itself is invalid sees the schools as written, not the registry's own failures a second time.
    /// </summary>
    public static SchoolRegistry Read(IConfiguration configuration) =>
        new(configuration.GetSection(SchoolRegistryOptions.Section).Get<SchoolRegistryOptions>() ?? new SchoolRegistryOptions());

    public int Count => schools.Count;

    public School this[int index] => schools[index];

    /// <summary>The school with this skolenhetskod, or null.</summary>
    public School? Find(string skolenhetskod) => byCode.GetValueOrDefault(skolenhetskod);

    public bool Contains(string skolenhetskod) => byCode.ContainsKey(skolenhetskod);

    /// <summary>Each school's driftsform by skolenhetskod (Municipal or Independent), as threshold overrides are keyed.</summary>
    public IReadOnlyDictionary<string, string> Driftsforms() =>
        byCode.Values.ToDictionary(s => s.Skolenhetskod, s => s.Driftsform.ToString(), StringComparer.Ordinal);

    public IEnumerator<School> GetEnumerator() => schools.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static School Typed(SchoolEntry entry, int index) =>
        new(entry.Skolenhetskod ?? "", entry.Name ?? "")
        {
            Key = $"{SchoolRegistryOptions.Section}:Schools:{index}",
            Driftsform = SchoolRegistryValidator.ParseDriftsform(entry.Driftsform) ?? Driftsform.Municipal,
            Huvudman = entry.Huvudman ?? "",
            Rektorer = Typed(entry.Rektorer),
            Elevhalsan = Typed(entry.Elevhalsan),
            Skolnarvaroteam = Typed(entry.Skolnarvaroteam),
            Profile = entry.Profile ?? "",
            Inbox = entry.Inbox ?? "",
            Calendar = entry.Calendar,
        };

    private static List<Recipient> Typed(List<RecipientEntry> group) => group.Select(r => new Recipient(r.Name ?? "", r.Email ?? "")).ToList();
}
