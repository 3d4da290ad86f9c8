using System.Globalization;
using System.Text;

namespace Skolnarvaro.Generator.Dynamics;

/// <summary>
/// The second history generator (<c>generate --dynamics published</c>): a municipality whose pupils' absence follows
/// published descriptions of how school absence develops, designed apart from the first generator so that a model tuned
/// on one can be tested on the other. Same outputs: <c>schools.json</c>, <c>inbox/&lt;skolenhetskod&gt;/</c> per term and
/// school, and the answer keys <c>history-truth.csv</c> (per pupil) and <c>history-outbreaks.csv</c> (per class outbreak).
/// </summary>
internal static class PublishedHistory
{
    public const string OutbreaksFileName = "history-outbreaks.csv";

    public static GeneratorResult Generate(GeneratorOptions options, IProgress<string>? progress)
    {
        var calendar = new RegionalCalendar(options.Seed, options.EffectiveTermStart, options.EffectiveAsOf);
        if (calendar.Terms.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.EffectiveAsOf,
                $"No school days between {options.EffectiveTermStart:yyyy-MM-dd} and {options.EffectiveAsOf:yyyy-MM-dd}.");
        }
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var schools = Municipality.Create(options.Seed, options.Schools, 0);
        var roll = new Roll(options.Seed, options.Pupils, calendar, schools);
        string outDir = Path.GetFullPath(options.OutputDirectory);
        string inbox = Prepare(outDir, schools);

        var outbreaks = new List<Outbreak>();
        int files = 0;
        long rows = 0;
        for (int t = 0; t < calendar.Terms.Count; t++)
        {
            var term = calendar.Terms[t];
            var now = roll.ForTerm(term, t);
            outbreaks.AddRange(Outbreaks.Strike(options.Seed, term, t, now));
            foreach (var school in now)
            {
                var s = new SchoolExporter(options.Seed, school, term, inbox).Write();
                files += s.Files;
                rows += s.Rows;
                progress?.Report(string.Create(CultureInfo.InvariantCulture,
                    $"{term.Name} {term.TermStart:yyyy-MM-dd}..{term.AsOf:yyyy-MM-dd}: {school.Name} ({school.Code}, {school.Template.Format.FilePrefix}): {s.Pupils} elever, {s.Files} filer, {s.Rows} rader"));
            }
        }
        AnswerKey.WritePupils(Path.Combine(outDir, SampleGenerator.TruthFileName), roll, calendar);
        AnswerKey.WriteOutbreaks(Path.Combine(outDir, OutbreaksFileName), outbreaks);
        return new GeneratorResult(schools.Count, roll.Pupils.Count, files, rows);
    }

    private static string Prepare(string outDir, IReadOnlyList<School> schools)
    {
        Directory.CreateDirectory(outDir);
        string inbox = Path.Combine(outDir, SampleGenerator.InboxFolderName);
        if (Directory.Exists(inbox))
        {
            Directory.Delete(inbox, recursive: true);
        }
        Directory.CreateDirectory(inbox);
        SchoolsJsonWriter.Write(Path.Combine(outDir, SampleGenerator.SchoolsFileName), schools);
        return inbox;
    }
}
