using System.Globalization;

namespace Skolnarvaro.Generator.Dynamics;

/// <summary>
/// The schools of this generator's municipality: five kommunala and three fristående, F–9, exporting days, lessons
/// (two profiles) and term summaries. More schools repeat the list with a number after the name.
/// </summary>
internal static class Municipality
{
    private const string Kommun = "Åsby kommun";

    private sealed record Spec(string Name, bool Independent, string Huvudman, int Format, double Size, PnrStyle Pnr);

    // Format: the export kind of the sample's school template with that index (0 lessons, 1 days CRLF, 2 days, 3 lessons
    // windows-1252, 4 summary, 5 Vklass lessons).
    private static readonly Spec[] Specs =
    [
        new("Lindängsskolan", false, Kommun, 1, 1.5, PnrStyle.Dash12),
        new("Kvarnbackens skola", false, Kommun, 0, 0.55, PnrStyle.Plain12),
        new("Strandhagens skola", false, Kommun, 2, 1.3, PnrStyle.Dash10),
        new("Friskolan Framtidsvalet", true, "Framtidsvalet Utbildning AB", 4, 1.2, PnrStyle.Plain12),
        new("Vretens skola", false, Kommun, 3, 0.45, PnrStyle.Dash12),
        new("Norrbacka engelska skola", true, "Norrbacka Education AB", 5, 0.4, PnrStyle.Dash12),
        new("Hagalunds skola", false, Kommun, 1, 1.4, PnrStyle.Dash12),
        new("Montessoriskolan Lärkan", true, "Montessoriföreningen Lärkan ekonomisk förening", 2, 0.6, PnrStyle.Plain12),
    ];

    public static List<School> Create(int seed, int count, int lastExportDay)
    {
        var formats = SchoolTemplate.CreateAll();
        var codes = Det.Stream(seed, DynamicsSalt.Schools);
        var used = new HashSet<int>();
        var schools = new List<School>(count);
        for (int i = 0; i < count; i++)
        {
            var spec = Specs[i % Specs.Length];
            string name = i < Specs.Length ? spec.Name : $"{spec.Name} {(i / Specs.Length + 1).ToString(CultureInfo.InvariantCulture)}";
            int code;
            do
            {
                code = codes.Next(10_000_000, 100_000_000);
            }
            while (!used.Add(code));
            var template = TemplateFor(spec, formats[spec.Format], name);
            string slug = NameLists.AsciiFold(name, '-');
            schools.Add(new School
            {
                Index = i, Template = template, Code = code.ToString(CultureInfo.InvariantCulture), Name = name, Slug = slug,
                Independent = spec.Independent, Huvudman = spec.Huvudman, Profile = template.Profile,
                Rektorer = Rektorer(Det.Stream(seed, DynamicsSalt.Rektorer, i), slug), LastExportDay = lastExportDay,
            });
        }
        return schools;
    }

    /// <summary>Relative size of each school (the lesson exporters are kept small: their files are the largest).</summary>
    public static double[] Sizes(int count) => Enumerable.Range(0, count).Select(i => Specs[i % Specs.Length].Size).ToArray();

    /// <summary>This municipality's own export habits on the sample's formats: a little unregistered attendance, no stale exporter.</summary>
    private static SchoolTemplate TemplateFor(Spec spec, SchoolTemplate format, string name) => new()
    {
        Name = name, Independent = spec.Independent, Huvudman = spec.Huvudman, Profile = format.Profile,
        ProfileOverrides = format.ProfileOverrides, Format = format.Format, Pnr = spec.Pnr,
        ClassLessonNotReported = format.Format.Kind == ExportKind.Days ? 0 : 0.01,
        PupilLessonNotReported = format.Format.Kind == ExportKind.Lessons ? 0.003 : 0,
        ClassDayNotReported = format.Format.Kind == ExportKind.Days ? 0.01 : 0,
        WriteCorrection = spec.Format == 0, SizeWeight = spec.Size,
    };

    private static List<Staff> Rektorer(Random r, string slug)
    {
        var rektorer = new List<Staff>();
        int count = r.NextDouble() < 0.3 ? 2 : 1;
        while (rektorer.Count < count)
        {
            bool male = r.NextDouble() < 0.4;
            var firsts = male ? NameLists.BoyNames : NameLists.GirlNames;
            string first = firsts[r.Next(firsts.Length)];
            string last = NameLists.LastNames[r.Next(NameLists.LastNames.Length)];
            string email = $"{NameLists.AsciiFold(first, '-')}.{NameLists.AsciiFold(last, '-')}@{slug}.example.se";
            if (rektorer.All(x => x.Email != email))
            {
                rektorer.Add(new Staff($"{first} {last}", email));
            }
        }
        return rektorer;
    }
}
