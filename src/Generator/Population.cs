using System.Globalization;

namespace Skolnarvaro.Generator;

/// <summary>One lesson of a class timetable.</summary>
internal readonly record struct Lesson(int StartMinute, int Length, string Subject);

internal sealed class SchoolClass
{
    public required int Index { get; init; }
    /// <summary>The grade now; a history moves it up at each new school year.</summary>
    public required int Grade { get; set; }
    public required string Name { get; init; }
    /// <summary>Lessons per weekday, index 0 = Monday … 4 = Friday.</summary>
    public required Lesson[][] Timetable { get; init; }

    public Lesson[] LessonsOn(DateOnly date) => Timetable[((int)date.DayOfWeek + 6) % 7];
}

internal sealed class Pupil
{
    private readonly string?[] formatted = new string?[3];

    public required int Id { get; init; }
    public required string FirstName { get; init; }
    public required string LastName { get; init; }
    public required bool Male { get; init; }
    /// <summary>The grade now; a history moves it up at each new school year.</summary>
    public required int Grade { get; set; }
    /// <summary>12 digits YYYYMMDDNNNC (valid Luhn).</summary>
    public required string Pnr12 { get; init; }
    public required bool Samordningsnummer { get; init; }
    public bool Protected { get; set; }
    /// <summary>What protected pupils have in the personnummer column: "" or "SKYDDAD".</summary>
    public string ProtectedMarker { get; set; } = "";
    public IAbsenceBehaviour Absence { get; set; } = null!;
    public bool Mover { get; set; }
    /// <summary>History: index of the school the pupil attends now (-1 after leaving grade 9).</summary>
    public int SchoolIndex { get; set; }
    /// <summary>History: which of its grade's parallel classes the pupil belongs to (modulo their number).</summary>
    public int ClassSlot { get; set; }

    public string FullName => FirstName + " " + LastName;

    public string FormattedPnr(PnrStyle style) => formatted[(int)style] ??= SyntheticPersonnummer.Format(Pnr12, style);
}

/// <summary>A pupil's membership of a class in a school for school days [FromDay, ToDay).</summary>
internal sealed class Enrollment
{
    public required Pupil Pupil { get; init; }
    public required SchoolClass Class { get; init; }
    public required int FromDay { get; init; }
    public int ToDay { get; set; }
}

internal sealed record Staff(string Name, string Email);

internal sealed class School
{
    public required int Index { get; init; }
    public required SchoolTemplate Template { get; init; }
    public required string Code { get; init; }
    public required string Name { get; init; }
    public required string Slug { get; init; }
    public required bool Independent { get; init; }
    public required string Huvudman { get; init; }
    public required string Profile { get; init; }
    public required IReadOnlyList<Staff> Rektorer { get; init; }
    public List<SchoolClass> Classes { get; } = [];
    public List<Enrollment> Enrollments { get; } = [];
    /// <summary>Last school-day index included in this school's exports (inclusive).</summary>
    public int LastExportDay { get; set; }

    /// <summary>The same school with no classes or pupils yet: a history fills one per term.</summary>
    public School Empty(int lastExportDay) => new()
    {
        Index = Index, Template = Template, Code = Code, Name = Name, Slug = Slug, Independent = Independent,
        Huvudman = Huvudman, Profile = Profile, Rektorer = Rektorer, LastExportDay = lastExportDay,
    };
}

/// <summary>Builds schools, classes, timetables, pupils and movers from the seed.</summary>
internal static class PopulationBuilder
{
    /// <summary>Each school's roll in export order: by class, then name, then personnummer and start day (a stable, seeded order).</summary>
    public static void SortEnrollments(IEnumerable<School> schools)
    {
        foreach (var school in schools)
        {
            school.Enrollments.Sort(static (a, b) =>
            {
                int c = a.Class.Index.CompareTo(b.Class.Index);
                if (c == 0) c = string.CompareOrdinal(a.Pupil.LastName, b.Pupil.LastName);
                if (c == 0) c = string.CompareOrdinal(a.Pupil.FirstName, b.Pupil.FirstName);
                if (c == 0) c = string.CompareOrdinal(a.Pupil.Pnr12, b.Pupil.Pnr12);
                if (c == 0) c = a.FromDay.CompareTo(b.FromDay);
                return c;
            });
        }
    }

    public static List<School> Build(GeneratorOptions options, TermCalendar cal, SchoolTemplate[] templates, out List<Pupil> pupils)
    {
        int seed = options.Seed;
        var schools = CreateSchools(seed, options.Schools, templates, cal);
        int[] sizes = Apportion(options.Pupils, schools.Select(s => s.Template.SizeWeight *
            (s.Index < templates.Length ? 1.0 : 0.85 + 0.3 * Det.Unit(seed, Det.Salt.Schools, s.Index, 1))).ToArray());

        pupils = [];
        var usedPnr = new HashSet<string>(StringComparer.Ordinal);
        foreach (var school in schools)
        {
            CreateClassesAndPupils(seed, school, sizes[school.Index], cal, usedPnr, pupils);
        }

        // A pupil moves once, from the enrolment they started the term with, into a class of their grade (or the nearest).
        Movers.Move(Det.Stream(seed, Det.Salt.Movers), schools, cal,
            mayMove: (e, dest) => !e.Pupil.Mover && e.FromDay == 0 && dest.Classes.Count > 0,
            classAt: (rng, pupil, dest) =>
            {
                var cls = dest.Classes.Where(c => c.Grade == pupil.Grade).ToList();
                if (cls.Count == 0)
                {
                    cls = [dest.Classes.OrderBy(c => Math.Abs(c.Grade - pupil.Grade)).ThenBy(c => c.Index).First()];
                }
                return cls[rng.Next(cls.Count)];
            });

        SortEnrollments(schools);
        return schools;
    }

    internal static List<School> CreateSchools(int seed, int count, SchoolTemplate[] templates, TermCalendar cal)
    {
        var codeRng = Det.Stream(seed, Det.Salt.Schools);
        var usedCodes = new HashSet<int>();
        var usedNames = new HashSet<string>(StringComparer.Ordinal);
        var schools = new List<School>(count);
        for (int i = 0; i < count; i++)
        {
            int code;
            do
            {
                code = codeRng.Next(10_000_000, 100_000_000);
            }
            while (!usedCodes.Add(code));

            var t = templates[i % templates.Length];
            var (name, huvudman) = NameAndHuvudman(i, templates);
            while (!usedNames.Add(name))
            {
                name += " II";
            }

            string slug = NameLists.AsciiFold(name, '-');
            int lastDay = cal.Days.Count - 1 - t.StaleSchoolDays;
            schools.Add(new School
            {
                Index = i,
                Template = t,
                Code = code.ToString(CultureInfo.InvariantCulture),
                Name = name,
                Slug = slug,
                Independent = t.Independent,
                Huvudman = huvudman,
                Profile = t.Profile,
                Rektorer = DrawRektorer(seed, i, slug),
                LastExportDay = lastDay,
            });
        }
        return schools;
    }

    /// <summary>
    /// The first schools are the templates themselves; the rest are named from a stem in their template's style (numbered
    /// once the stems run out), an independent one under one of the independent huvudmän.
    /// </summary>
    private static (string Name, string Huvudman) NameAndHuvudman(int i, SchoolTemplate[] templates)
    {
        var t = templates[i % templates.Length];
        if (i < templates.Length)
        {
            return (t.Name, t.Huvudman);
        }

        int k = i - templates.Length;
        int round = k / NameLists.SchoolStems.Length;
        string stem = NameLists.SchoolStems[k % NameLists.SchoolStems.Length];
        string name = (i % templates.Length) switch
        {
            0 => $"{stem}skolan",
            1 => $"{stem}dalsskolan",
            2 => $"{stem}hagens skola",
            3 => $"{stem}backens skola",
            4 => $"Friskolan {stem}",
            _ => $"{stem} internationella skola",
        };
        if (round > 0)
        {
            name += " " + (round + 1).ToString(CultureInfo.InvariantCulture);
        }
        return (name, t.Independent ? NameLists.IndependentOwners[(k + i) % NameLists.IndependentOwners.Length] : t.Huvudman);
    }

    /// <summary>One rektor, or two at about a third of the schools, with addresses at the school's domain.</summary>
    private static List<Staff> DrawRektorer(int seed, int school, string slug)
    {
        var rektorRng = Det.Stream(seed, Det.Salt.Rektorer, school);
        int rektorCount = rektorRng.NextDouble() < 0.35 ? 2 : 1;
        var rektorer = new List<Staff>();
        while (rektorer.Count < rektorCount)
        {
            bool male = rektorRng.NextDouble() < 0.45;
            string first = (male ? NameLists.BoyNames : NameLists.GirlNames)[rektorRng.Next(male ? NameLists.BoyNames.Length : NameLists.GirlNames.Length)];
            string last = NameLists.LastNames[rektorRng.Next(NameLists.LastNames.Length)];
            string email = $"{NameLists.AsciiFold(first, '-')}.{NameLists.AsciiFold(last, '-')}@{slug}.example.se";
            if (rektorer.All(r => r.Email != email))
            {
                rektorer.Add(new Staff($"{first} {last}", email));
            }
        }
        return rektorer;
    }

    /// <summary>Largest-remainder apportionment of <paramref name="total"/> by weight (each part ≥ 1 when possible).</summary>
    internal static int[] Apportion(int total, double[] weights)
    {
        double sum = weights.Sum();
        var result = new int[weights.Length];
        var rema = new (double Rem, int Index)[weights.Length];
        int assigned = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double exact = total * weights[i] / sum;
            result[i] = (int)Math.Floor(exact);
            rema[i] = (exact - result[i], i);
            assigned += result[i];
        }
        Array.Sort(rema, static (a, b) => a.Rem != b.Rem ? b.Rem.CompareTo(a.Rem) : a.Index.CompareTo(b.Index));
        for (int k = 0; assigned < total; k = (k + 1) % rema.Length)
        {
            result[rema[k].Index]++;
            assigned++;
        }
        return result;
    }

    private static void CreateClassesAndPupils(int seed, School school, int size, TermCalendar cal,
        HashSet<string> usedPnr, List<Pupil> allPupils)
    {
        var rng = Det.Stream(seed, Det.Salt.Pupils, school.Index);
        var gradeWeights = Enumerable.Range(0, 9).Select(_ => 0.85 + 0.3 * rng.NextDouble()).ToArray();
        int[] perGrade = Apportion(size, gradeWeights);

        int classIndex = 0;
        var schoolPupils = new List<Enrollment>();
        for (int g = 1; g <= 9; g++)
        {
            int n = perGrade[g - 1];
            if (n == 0)
            {
                continue;
            }
            int classes = Math.Max(1, (int)Math.Round(n / 25.0));
            var gradeClasses = new List<SchoolClass>();
            for (int c = 0; c < classes; c++)
            {
                var cls = new SchoolClass
                {
                    Index = classIndex,
                    Grade = g,
                    Name = g.ToString(CultureInfo.InvariantCulture) + (char)('A' + c),
                    Timetable = Timetables.Create(Det.Stream(seed, Det.Salt.Timetable, school.Index, classIndex), g),
                };
                classIndex++;
                school.Classes.Add(cls);
                gradeClasses.Add(cls);
            }

            for (int j = 0; j < n; j++)
            {
                // At least one samordningsnummer per school (the pupil at a fixed position).
                bool forceSamordning = schoolPupils.Count == size * 3 / 7;
                var pupil = CreatePupil(rng, allPupils.Count, g, cal, usedPnr, forceSamordning);
                allPupils.Add(pupil);
                var cls = gradeClasses[j % classes];
                pupil.Absence = AbsenceProfile.Create(seed, pupil, cal, cls);
                var e = new Enrollment { Pupil = pupil, Class = cls, FromDay = 0, ToDay = cal.Days.Count };
                school.Enrollments.Add(e);
                schoolPupils.Add(e);
            }
        }

        if (schoolPupils.Count > 0 && !schoolPupils.Any(e => e.Pupil.Protected))
        {
            var p = schoolPupils[schoolPupils.Count * 7 / 11].Pupil;
            p.Protected = true;
            p.ProtectedMarker = p.Id % 2 == 0 ? "SKYDDAD" : "";
        }
    }

    internal static Pupil CreatePupil(Random rng, int id, int grade, TermCalendar cal, HashSet<string> usedPnr, bool forceSamordning)
    {
        bool male = rng.NextDouble() < 0.51;
        var firsts = male ? NameLists.BoyNames : NameLists.GirlNames;
        string first = firsts[rng.Next(firsts.Length)];
        // Skewed towards the common names at the start of the list.
        string last = NameLists.LastNames[(int)(NameLists.LastNames.Length * Math.Pow(rng.NextDouble(), 1.35))];

        int birthYear = cal.SchoolYearStart - 6 - grade;
        double off = rng.NextDouble();
        if (off < 0.012)
        {
            birthYear -= 1; // started late / repeated a year
        }
        else if (off < 0.02)
        {
            birthYear += 1; // started early
        }
        bool samordning = rng.NextDouble() < 0.01 || forceSamordning;
        bool isProtected = rng.NextDouble() < 0.003;
        string marker = rng.NextDouble() < 0.5 ? "" : "SKYDDAD";

        string pnr;
        do
        {
            var start = new DateOnly(birthYear, 1, 1);
            var birth = start.AddDays(rng.Next(DateTime.IsLeapYear(birthYear) ? 366 : 365));
            int genderDigit = 2 * rng.Next(5) + (male ? 1 : 0);
            pnr = SyntheticPersonnummer.Create(birth, rng.Next(100), genderDigit, samordning);
        }
        while (!usedPnr.Add(pnr));

        return new Pupil
        {
            Id = id,
            FirstName = first,
            LastName = last,
            Male = male,
            Grade = grade,
            Pnr12 = pnr,
            Samordningsnummer = samordning,
            Protected = isProtected,
            ProtectedMarker = marker,
        };
    }
}

internal static class Timetables
{
    private static readonly int[] Lengths = [40, 50, 60, 80];
    private static readonly double[] LengthWeights = [0.2, 0.25, 0.4, 0.15];

    public static Lesson[][] Create(Random rng, int grade)
    {
        var subjects = NameLists.Subjects;
        var weights = subjects.Select(s => s switch
        {
            "Svenska" or "Matematik" => 4.0,
            "Engelska" => 2.0,
            "Idrott och hälsa" => 1.6,
            "Moderna språk" => grade >= 6 ? 1.2 : 0.0,
            "Hem- och konsumentkunskap" => grade >= 4 ? 0.6 : 0.0,
            "Kemi" or "Fysik" => grade >= 4 ? 0.9 : 0.3,
            _ => 0.9,
        }).ToArray();

        var week = new Lesson[5][];
        for (int day = 0; day < 5; day++)
        {
            int count = grade switch
            {
                <= 3 => 4 + rng.Next(2),
                <= 6 => 5 + rng.Next(2),
                _ => 6 + rng.Next(2),
            };
            if (day == 4 && count > 4)
            {
                count--; // shorter Fridays
            }
            var lessons = new Lesson[count];
            int start = 8 * 60 + 10;
            string previous = "";
            bool hadPe = false;
            for (int j = 0; j < count; j++)
            {
                string subject;
                do
                {
                    subject = subjects[Pick(rng, weights)];
                }
                while (subject == previous || (hadPe && subject == "Idrott och hälsa"));
                hadPe |= subject == "Idrott och hälsa";
                previous = subject;

                int length = Lengths[Pick(rng, LengthWeights)];
                if (subject == "Idrott och hälsa" && length < 60)
                {
                    length = 60;
                }
                if (start + length > 16 * 60 + 10)
                {
                    length = 40;
                }
                lessons[j] = new Lesson(start, length, subject);
                start += length + (j == 2 ? 40 : 10); // lunch after the third lesson
            }
            week[day] = lessons;
        }
        return week;
    }

    private static int Pick(Random rng, double[] weights)
    {
        double total = 0;
        foreach (double w in weights)
        {
            total += w;
        }
        double u = rng.NextDouble() * total;
        for (int i = 0; i < weights.Length; i++)
        {
            u -= weights[i];
            if (u < 0 && weights[i] > 0)
            {
                return i;
            }
        }
        for (int i = weights.Length - 1; i >= 0; i--)
        {
            if (weights[i] > 0)
            {
                return i;
            }
        }
        return 0;
    }
}
