using System.Globalization;
using System.Text;

namespace Skolnarvaro.Generator;

/// <summary>
/// Seeded, deterministic generator of a synthetic municipality: a school registry (<c>schools.json</c>)
/// and each school's attendance exports under <c>inbox/&lt;skolenhetskod&gt;/</c>, with the school's roster of mentors
/// beside them in the single-term sample (<see cref="RosterWriter"/>).
/// The same options always give byte-identical output. Rows are streamed to disk; memory depends
/// on the number of pupils, not on the number of rows.
/// </summary>
public static class SampleGenerator
{
    public const string SchoolsFileName = "schools.json";
    public const string InboxFolderName = "inbox";
    /// <summary>A history's answer key: each pupil's generated course (beside inbox/, never imported).</summary>
    public const string TruthFileName = "history-truth.csv";

    public static GeneratorResult Generate(GeneratorOptions options, IProgress<string>? progress = null)
    {
        GenerateWithStats(options, progress, out var result);
        return result;
    }

    internal static IReadOnlyList<(School School, SchoolExportStats Stats)> GenerateWithStats(
        GeneratorOptions options, IProgress<string>? progress, out GeneratorResult result)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.OutputDirectory))
        {
            throw new ArgumentException("OutputDirectory must be set.", nameof(options));
        }
        if (options.Schools < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Schools, "Schools must be at least 1.");
        }
        if (options.Pupils < options.Schools)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Pupils, "Pupils must be at least the number of schools.");
        }
        var termStart = options.EffectiveTermStart;
        var asOf = options.EffectiveAsOf;
        if (asOf < termStart)
        {
            throw new ArgumentOutOfRangeException(nameof(options), asOf, "AsOf must not be before TermStart.");
        }
        if (options.IsHistory && options.Dynamics == HistoryDynamics.Published)
        {
            result = Dynamics.PublishedHistory.Generate(options, progress);
            return [];
        }
        if (options.IsHistory)
        {
            return GenerateHistory(options, progress, out result);
        }
        var calendar = new TermCalendar(termStart, asOf);
        if (calendar.Days.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), asOf, "The term has no school days.");
        }

        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var templates = SchoolTemplate.CreateAll();
        var schools = PopulationBuilder.Build(options, calendar, templates, out var pupils);
        string inbox = PrepareOutput(options, schools);

        var all = new List<(School, SchoolExportStats)>(schools.Count);
        int files = 0;
        long rows = 0;
        foreach (var school in schools)
        {
            var s = new SchoolExporter(options.Seed, school, calendar, inbox).Write();
            RosterWriter.Write(options.Seed, school, inbox);
            files += s.Files;
            rows += s.Rows;
            all.Add((school, s));
            progress?.Report(Describe(school, s));
        }
        result = new GeneratorResult(schools.Count, pupils.Count, files, rows);
        return all;
    }

    /// <summary>
    /// A multi-term history: each term of the Swedish school calendar between From and AsOf, written term by term and
    /// school by school the way the schools would have sent them (summary snapshots start again each term).
    /// </summary>
    private static List<(School School, SchoolExportStats Stats)> GenerateHistory(
        GeneratorOptions options, IProgress<string>? progress, out GeneratorResult result)
    {
        var terms = SchoolYearCalendar.Terms(options.EffectiveTermStart, options.EffectiveAsOf);
        if (terms.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.EffectiveAsOf,
                $"No school days between {options.EffectiveTermStart:yyyy-MM-dd} and {options.EffectiveAsOf:yyyy-MM-dd}.");
        }
        var history = new HistoryCalendar(terms);

        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var templates = SchoolTemplate.CreateAll();
        var population = new HistoryPopulation(options, history, templates);
        string inbox = PrepareOutput(options, population.Schools);

        var all = new List<(School, SchoolExportStats)>();
        int files = 0;
        long rows = 0;
        for (int t = 0; t < terms.Count; t++)
        {
            var term = terms[t];
            foreach (var school in population.ForTerm(term, t, lastTerm: t == terms.Count - 1))
            {
                var s = new SchoolExporter(options.Seed, school, term, inbox).Write();
                files += s.Files;
                rows += s.Rows;
                all.Add((school, s));
                progress?.Report($"{term.Name} {term.TermStart:yyyy-MM-dd}..{term.AsOf:yyyy-MM-dd}: " + Describe(school, s));
            }
        }
        population.WriteTruth(Path.Combine(Path.GetFullPath(options.OutputDirectory), TruthFileName));
        result = new GeneratorResult(population.Schools.Count, population.PupilCount, files, rows);
        return all;
    }

    /// <summary>Empties the inbox folder and writes the school registry; returns the inbox folder.</summary>
    private static string PrepareOutput(GeneratorOptions options, IReadOnlyList<School> schools)
    {
        string outDir = Path.GetFullPath(options.OutputDirectory);
        Directory.CreateDirectory(outDir);
        string inbox = Path.Combine(outDir, InboxFolderName);
        if (Directory.Exists(inbox))
        {
            Directory.Delete(inbox, recursive: true);
        }
        string schoolsFile = Path.Combine(outDir, SchoolsFileName);
        File.Delete(schoolsFile);
        File.Delete(Path.Combine(outDir, TruthFileName));
        File.Delete(Path.Combine(outDir, Dynamics.PublishedHistory.OutbreaksFileName));
        Directory.CreateDirectory(inbox);
        SchoolsJsonWriter.Write(schoolsFile, schools);
        return inbox;
    }

    private static string Describe(School school, SchoolExportStats s)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(ci, $"{school.Name} ({school.Code}, {school.Template.Format.FilePrefix}): ");
        sb.Append(ci, $"{s.Pupils} elever, {s.Files} filer, {s.Rows} rader");
        sb.Append(ci, $"; felaktiga personnummer {s.InvalidPnrRows}, felaktiga datum {s.BadDateRows}, skyddad identitet {s.ProtectedRows} rader");
        if (s.NotReportedRows > 0)
        {
            sb.Append(ci, $", ej rapporterat {s.NotReportedRows} rader");
        }
        if (school.Template.StaleSchoolDays > 0)
        {
            sb.Append(ci, $"; exporten slutade {school.Template.StaleSchoolDays} skoldagar före brytdatum");
        }
        if (s.CorrectionFile is not null)
        {
            sb.Append(ci, $"; rättad export {s.CorrectionFile} ({s.CorrectedExcusedToUnexcused} G→O, {s.CorrectedNotReported} E→registrerad)");
        }
        return sb.ToString();
    }
}
