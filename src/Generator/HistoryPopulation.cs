using System.Globalization;

namespace Skolnarvaro.Generator;

/// <summary>
/// The pupils of a multi-term history and where they are each term. At each new school year (HT) grade 9 leaves,
/// everyone else moves up a grade, a new grade-1 cohort starts at every school, and some pupils change school over
/// the summer; during every term a few pupils move to another school. Classes and timetables are new each school
/// year and kept for its VT. A pupil keeps one absence behaviour (<see cref="HistoryAbsence"/>) across schools and terms.
/// </summary>
internal sealed class HistoryPopulation
{
    private const double SummerMoverShare = 0.015;

    private readonly int seed;
    private readonly HistoryCalendar history;
    private readonly List<School> schools;
    private readonly List<Pupil> pupils = [];
    private readonly HashSet<string> usedPnr = new(StringComparer.Ordinal);
    private readonly double[] cohortSize;
    private readonly Dictionary<int, List<SchoolClass>>[] classes;
    private int schoolYear = int.MinValue;

    public HistoryPopulation(GeneratorOptions options, HistoryCalendar history, SchoolTemplate[] templates)
    {
        seed = options.Seed;
        this.history = history;
        var first = history.Terms[0];
        this.schools = PopulationBuilder.CreateSchools(seed, options.Schools, templates, first);
        this.classes = new Dictionary<int, List<SchoolClass>>[this.schools.Count];
        cohortSize = new double[this.schools.Count];
        int[] sizes = PopulationBuilder.Apportion(options.Pupils, this.schools.Select(s => s.Template.SizeWeight *
            (s.Index < templates.Length ? 1.0 : 0.85 + 0.3 * Det.Unit(seed, Det.Salt.Schools, s.Index, 1))).ToArray());

        int year = first.SchoolYearStart;
        foreach (var school in this.schools)
        {
            var rng = Det.Stream(seed, Det.Salt.Pupils, school.Index);
            var gradeWeights = Enumerable.Range(0, 9).Select(_ => 0.85 + 0.3 * rng.NextDouble()).ToArray();
            int[] perGrade = PopulationBuilder.Apportion(sizes[school.Index], gradeWeights);
            cohortSize[school.Index] = sizes[school.Index] / 9.0;
            int firstPupil = this.pupils.Count;
            for (int g = 1; g <= 9; g++)
            {
                for (int j = 0; j < perGrade[g - 1]; j++)
                {
                    bool forceSamordning = this.pupils.Count - firstPupil == sizes[school.Index] * 3 / 7;
                    AddPupil(rng, school.Index, g, j, year - g + 1, first, forceSamordning);
                }
            }
            // At least one pupil with skyddad identitet per school, as in the single-term sample.
            var own = this.pupils.Skip(firstPupil).ToList();
            if (own.Count > 0 && !own.Any(p => p.Protected))
            {
                var p = own[own.Count * 7 / 11];
                p.Protected = true;
                p.ProtectedMarker = p.Id % 2 == 0 ? "SKYDDAD" : "";
            }
        }
    }

    public IReadOnlyList<School> Schools => this.schools;

    /// <summary>Every pupil who has been in the history so far.</summary>
    public int PupilCount => this.pupils.Count;

    /// <summary>The schools with their classes and pupils for <paramref name="term"/> (stale exporters only in the last term).</summary>
    public List<School> ForTerm(TermCalendar term, int termIndex, bool lastTerm)
    {
        int year = term.SchoolYearStart;
        if (year != schoolYear)
        {
            if (schoolYear != int.MinValue)
            {
                NewSchoolYear(year, term);
            }
            schoolYear = year;
            BuildClasses(year);
        }

        var schools = this.schools.Select(s => s.Empty(term.Days.Count - 1 - (lastTerm ? s.Template.StaleSchoolDays : 0))).ToList();
        foreach (var school in schools)
        {
            school.Classes.AddRange(this.classes[school.Index].Values.SelectMany(c => c).OrderBy(c => c.Index));
        }
        foreach (var pupil in this.pupils)
        {
            if (pupil.SchoolIndex >= 0)
            {
                var school = schools[pupil.SchoolIndex];
                school.Enrollments.Add(new Enrollment { Pupil = pupil, Class = ClassFor(school.Index, pupil), FromDay = 0, ToDay = term.Days.Count });
            }
        }
        Movers.Move(Det.Stream(seed, Det.Salt.HistoryMovers, termIndex), schools, term,
            mayMove: (_, dest) => this.classes[dest.Index].Count > 0,
            classAt: (_, pupil, dest) => ClassFor(dest.Index, pupil),
            moved: (pupil, dest) => pupil.SchoolIndex = dest.Index);
        PopulationBuilder.SortEnrollments(schools);
        return schools;
    }

    /// <summary>
    /// Writes the answer key: every pupil of the history (protected pupils left out) with their personnummer and the
    /// course their absence was generated from. Not an export: the pipeline never reads it.
    /// </summary>
    public void WriteTruth(string path)
    {
        var format = new ExportFormat
        {
            Kind = ExportKind.Days, Encoding = new System.Text.UTF8Encoding(false), Delimiter = ';',
            Headers = ["Personnummer", "Kön", "Årskull (åk 1 läsåret)", .. HistoryAbsence.TruthHeader],
        };
        using var w = new CsvExportWriter(path, format);
        w.Header(format.Headers);
        foreach (var pupil in this.pupils)
        {
            if (pupil.Protected)
            {
                continue;
            }
            var a = (HistoryAbsence)pupil.Absence;
            w.Field(pupil.Pnr12);
            w.Field(pupil.Male ? "Pojke" : "Flicka");
            w.Field(a.Grade1Year);
            foreach (var f in a.TruthFields(this.history))
            {
                w.Field(f);
            }
            w.EndRow();
        }
    }

    private void AddPupil(Random rng, int school, int grade, int slot, int grade1Year, TermCalendar term, bool forceSamordning)
    {
        var pupil = PopulationBuilder.CreatePupil(rng, this.pupils.Count, grade, term, usedPnr, forceSamordning);
        pupil.SchoolIndex = school;
        pupil.ClassSlot = slot;
        pupil.Absence = HistoryAbsence.Create(seed, pupil, grade1Year, this.history);
        this.pupils.Add(pupil);
    }

    /// <summary>Summer: grade 9 leaves, the rest move up, some change school, and a new grade 1 starts everywhere.</summary>
    private void NewSchoolYear(int year, TermCalendar term)
    {
        var rng = Det.Stream(seed, Det.Salt.Cohort, year);
        foreach (var pupil in this.pupils)
        {
            if (pupil.SchoolIndex < 0)
            {
                continue;
            }
            if (pupil.Grade >= 9)
            {
                pupil.SchoolIndex = -1;
                continue;
            }
            pupil.Grade++;
            if (this.schools.Count > 1 && !pupil.Protected && rng.NextDouble() < SummerMoverShare)
            {
                pupil.SchoolIndex = (pupil.SchoolIndex + 1 + rng.Next(this.schools.Count - 1)) % this.schools.Count;
                pupil.ClassSlot = rng.Next(4);
            }
        }
        foreach (var school in this.schools)
        {
            var cohort = Det.Stream(seed, Det.Salt.Cohort, year, school.Index + 1);
            int size = (int)Math.Round(cohortSize[school.Index] * (0.9 + 0.2 * cohort.NextDouble()));
            for (int j = 0; j < size; j++)
            {
                AddPupil(cohort, school.Index, 1, j, year, term, forceSamordning: false);
            }
        }
    }

    private void BuildClasses(int year)
    {
        foreach (var school in this.schools)
        {
            var perGrade = this.pupils.Where(p => p.SchoolIndex == school.Index).GroupBy(p => p.Grade).ToDictionary(g => g.Key, g => g.Count());
            var classes = new Dictionary<int, List<SchoolClass>>();
            int classIndex = 0;
            for (int g = 1; g <= 9; g++)
            {
                if (!perGrade.TryGetValue(g, out int n) || n == 0)
                {
                    continue;
                }
                int count = Math.Max(1, (int)Math.Round(n / 25.0));
                var list = new List<SchoolClass>(count);
                for (int c = 0; c < count; c++)
                {
                    list.Add(new SchoolClass
                    {
                        Index = classIndex,
                        Grade = g,
                        Name = g.ToString(CultureInfo.InvariantCulture) + (char)('A' + c),
                        Timetable = Timetables.Create(Det.Stream(seed, Det.Salt.Timetable, school.Index, classIndex, year), g),
                    });
                    classIndex++;
                }
                classes[g] = list;
            }
            this.classes[school.Index] = classes;
        }
    }

    private SchoolClass ClassFor(int school, Pupil pupil)
    {
        var classes = this.classes[school];
        if (!classes.TryGetValue(pupil.Grade, out var list))
        {
            // A pupil who moved into a grade the school has no class for: the nearest grade.
            list = classes.OrderBy(kv => Math.Abs(kv.Key - pupil.Grade)).ThenBy(kv => kv.Key).First().Value;
        }
        return list[pupil.ClassSlot % list.Count];
    }
}
