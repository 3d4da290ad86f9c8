namespace Skolnarvaro.Generator;

/// <summary>
/// Writes a school's roster, <c>inbox/&lt;skolenhetskod&gt;/mentorer.csv</c> (<c>Klass;Mentor;E-post</c>): a mentor for every
/// class, a second one for about a quarter of them, and in a grade with parallel classes now and then one mentor for two.
/// In the school's own encoding and line ending, as its system would write it; seeded like everything else.
/// </summary>
internal static class RosterWriter
{
    public const string FileName = "mentorer.csv";

    public static void Write(int seed, School school, string inbox)
    {
        var rng = Det.Stream(seed, Det.Salt.Mentors, school.Index);
        var used = school.Rektorer.Select(r => r.Email).ToHashSet(StringComparer.Ordinal);
        var format = new ExportFormat
        {
            Kind = school.Template.Format.Kind, Encoding = school.Template.Format.Encoding, Delimiter = ';',
            NewLine = school.Template.Format.NewLine, Headers = ["Klass", "Mentor", "E-post"],
        };
        using var w = new CsvExportWriter(Path.Combine(inbox, school.Code, FileName), format);
        w.Header(format.Headers);
        Staff? shared = null;
        foreach (var cls in school.Classes.OrderBy(c => c.Index))
        {
            var mentors = new List<Staff> { shared ?? Person(rng, school, used) };
            // The next parallel class of the grade may share this class's first mentor.
            shared = rng.NextDouble() < 0.15 && school.Classes.Any(c => c.Grade == cls.Grade && c.Index == cls.Index + 1) ? mentors[0] : null;
            if (rng.NextDouble() < 0.25)
            {
                mentors.Add(Person(rng, school, used));
            }

            foreach (var m in mentors)
            {
                w.Field(cls.Name);
                w.Field(m.Name);
                w.Field(m.Email);
                w.EndRow();
            }
        }
    }

    /// <summary>A teacher at the school with an address of its own, as the rektorer's are formed.</summary>
    private static Staff Person(Random rng, School school, HashSet<string> used)
    {
        while (true)
        {
            bool male = rng.NextDouble() < 0.4;
            string first = (male ? NameLists.BoyNames : NameLists.GirlNames)[rng.Next(male ? NameLists.BoyNames.Length : NameLists.GirlNames.Length)];
            string last = NameLists.LastNames[rng.Next(NameLists.LastNames.Length)];
            string email = $"{NameLists.AsciiFold(first, '-')}.{NameLists.AsciiFold(last, '-')}@{school.Slug}.example.se";
            if (used.Add(email))
            {
                return new Staff($"{first} {last}", email);
            }
        }
    }
}
