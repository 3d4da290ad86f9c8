namespace Skolnarvaro.Generator.Dynamics;

/// <summary>One outbreak in a class: when it began, what it was, and how many of the class fell ill.</summary>
internal sealed record Outbreak(School School, SchoolClass Class, DateOnly Start, string Illness, int Ill, int Pupils);

/// <summary>
/// Class-wide outbreaks: influenza (three to five days in bed, a fifth to two fifths of the class) and vinterkräksjuka
/// (one or two days, a third to half of the class), mostly from November to March. Each class has about one a school
/// year; the pupils of the class fall ill over the first days of the outbreak.
/// </summary>
internal static class Outbreaks
{
    /// <summary>How likely an outbreak is to start in a month, relative to the others.</summary>
    private static readonly double[] MonthWeight = [2.0, 2.5, 1.6, 0.6, 0.3, 0.1, 0.1, 0.15, 0.35, 0.7, 1.3, 1.6];

    /// <summary>The month weights summed over the school days of an ordinary school year.</summary>
    private const double SchoolYearWeight = 192;

    public static List<Outbreak> Strike(int seed, TermCalendar term, int termIndex, IReadOnlyList<School> schools)
    {
        var outbreaks = new List<Outbreak>();
        if (term.Days.Count < 10)
        {
            return outbreaks;
        }
        double weightSum = term.Days.Sum(d => MonthWeight[d.Month - 1]);
        foreach (var school in schools)
        {
            foreach (var cls in school.Classes)
            {
                var r = Det.Stream(seed, DynamicsSalt.Outbreaks, termIndex, school.Index, cls.Index);
                // About one a school year, more in the winter term; a term cut short has fewer.
                double expected = weightSum / SchoolYearWeight;
                for (int slot = 0; slot < 3; slot++)
                {
                    if (r.NextDouble() < expected / 3)
                    {
                        outbreaks.Add(Spread(r, term, school, cls, StartDay(r, term, weightSum)));
                    }
                }
            }
        }
        return outbreaks;
    }

    private static int StartDay(Random r, TermCalendar term, double weightSum)
    {
        double u = r.NextDouble() * weightSum;
        for (int d = 0; d < term.Days.Count; d++)
        {
            u -= MonthWeight[term.Days[d].Month - 1];
            if (u < 0)
            {
                return d;
            }
        }
        return term.Days.Count - 1;
    }

    private static Outbreak Spread(Random r, TermCalendar term, School school, SchoolClass cls, int start)
    {
        bool flu = r.NextDouble() < 0.45;
        double attack = flu ? 0.2 + 0.2 * r.NextDouble() : 0.3 + 0.2 * r.NextDouble();
        int ill = 0, pupils = 0;
        foreach (var e in school.Enrollments.Where(e => e.Class == cls && e.FromDay <= start && e.ToDay > start))
        {
            pupils++;
            if (r.NextDouble() >= attack)
            {
                continue;
            }
            ill++;
            int from = start + r.Next(flu ? 4 : 3);
            int length = flu ? 3 + r.Next(3) : 1 + r.Next(2);
            ((PupilAbsence)e.Pupil.Absence).FallIll(term.DayBase + from, Math.Min(length, term.Days.Count - from));
        }
        return new Outbreak(school, cls, term.Days[start], flu ? "influensa" : "vinterkräksjuka", ill, pupils);
    }
}
