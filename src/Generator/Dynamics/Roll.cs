using System.Globalization;

namespace Skolnarvaro.Generator.Dynamics;

/// <summary>
/// Who is in which class of which school, term by term. Each HT grade 9 leaves, the rest move up, a new förskoleklass
/// starts at every school and about 2 % change school over the summer. During every term some pupils leave the
/// municipality, some arrive from outside it and some change school (with a few school days between).
/// </summary>
internal sealed class Roll
{
    private const double SummerSwitchShare = 0.02;

    private readonly int seed;
    private readonly RegionalCalendar calendar;
    private readonly List<School> schools;
    private readonly double[] cohort;
    private readonly HashSet<string> usedPnr = new(StringComparer.Ordinal);
    private readonly List<SchoolClass>[] classes;
    private int schoolYear = int.MinValue;

    public Roll(int seed, int pupils, RegionalCalendar calendar, List<School> schools)
    {
        this.seed = seed;
        this.calendar = calendar;
        this.schools = schools;
        this.classes = new List<SchoolClass>[schools.Count];
        int[] sizes = PopulationBuilder.Apportion(pupils, Municipality.Sizes(schools.Count));
        cohort = sizes.Select(s => s / 10.0).ToArray();
        var first = calendar.Terms[0];
        int year = first.SchoolYearStart;
        foreach (var school in schools)
        {
            var rng = Det.Stream(seed, DynamicsSalt.Pupils, school.Index);
            int[] perGrade = PopulationBuilder.Apportion(sizes[school.Index], Enumerable.Range(0, 10).Select(_ => 0.9 + 0.2 * rng.NextDouble()).ToArray());
            int own = Pupils.Count;
            for (int grade = 0; grade <= 9; grade++)
            {
                for (int j = 0; j < perGrade[grade]; j++)
                {
                    Add(rng, school.Index, grade, year, first);
                }
            }
            // Every school has a pupil with skyddad identitet, as real rolls do.
            if (Pupils.Count > own && !Pupils.Skip(own).Any(p => p.Protected))
            {
                Pupils[own + (Pupils.Count - own) / 2].Protected = true;
            }
        }
    }

    public List<Pupil> Pupils { get; } = [];

    /// <summary>Each pupil's förskoleklass year (the school year minus the grade), for the answer key.</summary>
    public Dictionary<int, int> FYears { get; } = [];

    /// <summary>Every pupil's moves, for the answer key.</summary>
    public Dictionary<int, List<string>> Moves { get; } = [];

    /// <summary>The schools as they are in <paramref name="term"/>: classes, every pupil's enrolment and this term's moves.</summary>
    public List<School> ForTerm(TermCalendar term, int termIndex)
    {
        if (term.SchoolYearStart != schoolYear)
        {
            if (schoolYear != int.MinValue)
            {
                NewSchoolYear(term);
            }
            schoolYear = term.SchoolYearStart;
            BuildClasses();
        }
        var now = this.schools.Select(s => s.Empty(term.Days.Count - 1)).ToList();
        foreach (var school in now)
        {
            school.Classes.AddRange(this.classes[school.Index]);
        }
        foreach (var pupil in Pupils.Where(p => p.SchoolIndex >= 0))
        {
            now[pupil.SchoolIndex].Enrollments.Add(new Enrollment { Pupil = pupil, Class = ClassFor(pupil), FromDay = 0, ToDay = term.Days.Count });
        }
        MoveDuringTerm(now, term, termIndex);
        PopulationBuilder.SortEnrollments(now);
        return now;
    }

    private void Add(Random rng, int school, int grade, int year, TermCalendar term)
    {
        var pupil = PopulationBuilder.CreatePupil(rng, Pupils.Count, Math.Max(grade, 0), term, usedPnr, forceSamordning: false);
        pupil.Grade = grade;
        pupil.SchoolIndex = school;
        pupil.ClassSlot = rng.Next(4);
        pupil.Absence = PupilDraws.Create(this.seed, pupil.Id, pupil.Male, year - grade, this.calendar);
        FYears[pupil.Id] = year - grade;
        Pupils.Add(pupil);
    }

    private void NewSchoolYear(TermCalendar term)
    {
        int year = term.SchoolYearStart;
        var rng = Det.Stream(this.seed, DynamicsSalt.Cohort, year);
        foreach (var pupil in Pupils.Where(p => p.SchoolIndex >= 0))
        {
            if (pupil.Grade >= 9)
            {
                pupil.SchoolIndex = -1;
                continue;
            }
            pupil.Grade++;
            pupil.ClassSlot = rng.Next(4); // classes are formed anew each school year
            if (this.schools.Count > 1 && !pupil.Protected && rng.NextDouble() < SummerSwitchShare)
            {
                int to = (pupil.SchoolIndex + 1 + rng.Next(this.schools.Count - 1)) % this.schools.Count;
                Note(pupil, $"bytte skola över sommaren till {this.schools[to].Name}");
                pupil.SchoolIndex = to;
            }
        }
        foreach (var school in this.schools)
        {
            var c = Det.Stream(this.seed, DynamicsSalt.Cohort, year, school.Index + 1);
            int size = (int)Math.Round(cohort[school.Index] * (0.9 + 0.2 * c.NextDouble()));
            for (int j = 0; j < size; j++)
            {
                Add(c, school.Index, 0, year, term);
            }
        }
    }

    private void BuildClasses()
    {
        foreach (var school in this.schools)
        {
            var list = new List<SchoolClass>();
            foreach (var grade in Pupils.Where(p => p.SchoolIndex == school.Index).GroupBy(p => p.Grade).OrderBy(g => g.Key))
            {
                int count = Math.Max(1, (int)Math.Round(grade.Count() / 24.0));
                for (int c = 0; c < count; c++)
                {
                    string name = (grade.Key == 0 ? "F" : grade.Key.ToString(CultureInfo.InvariantCulture)) + (char)('A' + c);
                    list.Add(new SchoolClass
                    {
                        Index = list.Count, Grade = grade.Key, Name = name,
                        Timetable = Timetables.Create(Det.Stream(this.seed, DynamicsSalt.Timetable, school.Index, list.Count, schoolYear), grade.Key),
                    });
                }
            }
            this.classes[school.Index] = list;
        }
    }

    private SchoolClass ClassFor(Pupil pupil)
    {
        var list = this.classes[pupil.SchoolIndex];
        var ofGrade = list.Where(c => c.Grade == pupil.Grade).ToList();
        if (ofGrade.Count == 0)
        {
            ofGrade = [list.OrderBy(c => Math.Abs(c.Grade - pupil.Grade)).ThenBy(c => c.Index).First()];
        }
        return ofGrade[pupil.ClassSlot % ofGrade.Count];
    }

    /// <summary>Per school: up to two leave the municipality, one to three arrive from outside, up to two change school.</summary>
    private void MoveDuringTerm(List<School> now, TermCalendar term, int termIndex)
    {
        int days = term.Days.Count;
        if (days < 15)
        {
            return;
        }
        var moved = new HashSet<int>();
        foreach (var school in now)
        {
            var r = Det.Stream(this.seed, DynamicsSalt.Moves, termIndex, school.Index);
            var roll = school.Enrollments.Where(e => e.FromDay == 0 && !e.Pupil.Protected).ToList();
            int Day() => 5 + r.Next(days - 10);
            for (int k = r.Next(3); k > 0 && roll.Count > 0; k--)
            {
                var e = roll[r.Next(roll.Count)];
                if (moved.Add(e.Pupil.Id))
                {
                    e.ToDay = Day();
                    e.Pupil.SchoolIndex = -1;
                    Note(e.Pupil, $"flyttade från kommunen {term.Days[e.ToDay]:yyyy-MM-dd}");
                }
            }
            for (int k = r.Next(3); k > 0 && roll.Count > 0 && now.Count > 1; k--)
            {
                var e = roll[r.Next(roll.Count)];
                if (!moved.Add(e.Pupil.Id))
                {
                    continue;
                }
                e.ToDay = Day();
                var to = now[(school.Index + 1 + r.Next(now.Count - 1)) % now.Count];
                e.Pupil.SchoolIndex = to.Index;
                int start = Math.Min(days - 1, e.ToDay + r.Next(6));
                to.Enrollments.Add(new Enrollment { Pupil = e.Pupil, Class = ClassFor(e.Pupil), FromDay = start, ToDay = days });
                Note(e.Pupil, $"bytte skola {term.Days[e.ToDay]:yyyy-MM-dd}, började på {to.Name} {term.Days[start]:yyyy-MM-dd}");
            }
            for (int k = 1 + r.Next(3); k > 0; k--)
            {
                int grade = r.Next(10);
                Add(r, school.Index, grade, term.SchoolYearStart, term);
                var pupil = Pupils[^1];
                moved.Add(pupil.Id);
                int start = Day();
                school.Enrollments.Add(new Enrollment { Pupil = pupil, Class = ClassFor(pupil), FromDay = start, ToDay = days });
                Note(pupil, $"flyttade till kommunen, började {term.Days[start]:yyyy-MM-dd}");
            }
        }
    }

    private void Note(Pupil pupil, string move)
    {
        if (!Moves.TryGetValue(pupil.Id, out var list))
        {
            Moves[pupil.Id] = list = [];
        }
        list.Add(move.Replace(";", ",", StringComparison.Ordinal));
    }
}
