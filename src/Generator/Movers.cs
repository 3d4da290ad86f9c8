namespace Skolnarvaro.Generator;

/// <summary>
/// During a term two or three pupils per school move to another school, from a Monday: in the single-term sample and in
/// every term of a history. The callers say who may move and into which class; the draws are the same for both.
/// </summary>
internal static class Movers
{
    public static void Move(
        Random rng, List<School> schools, TermCalendar term, Func<Enrollment, School, bool> mayMove,
        Func<Random, Pupil, School, SchoolClass> classAt, Action<Pupil, School>? moved = null)
    {
        int weeks = term.Weeks.Count;
        if (schools.Count < 2 || weeks < 3)
        {
            return;
        }
        var movedThisTerm = new HashSet<int>();
        int lo = Math.Max(1, weeks / 6);
        int hi = Math.Max(lo + 1, weeks - Math.Max(2, weeks / 4));
        foreach (var school in schools)
        {
            int count = 2 + rng.Next(2);
            var original = school.Enrollments.ToList();
            for (int m = 0, attempts = 0; m < count && attempts < 50 && original.Count > 0; attempts++)
            {
                var e = original[rng.Next(original.Count)];
                int week = rng.Next(lo, hi);
                var dest = schools[(school.Index + 1 + rng.Next(schools.Count - 1)) % schools.Count];
                int moveDay = term.Weeks[week].FirstDay;
                if (e.Pupil.Protected || movedThisTerm.Contains(e.Pupil.Id) || moveDay > dest.LastExportDay - 5 || !mayMove(e, dest))
                {
                    continue;
                }
                var cls = classAt(rng, e.Pupil, dest);
                e.ToDay = moveDay;
                e.Pupil.Mover = true;
                moved?.Invoke(e.Pupil, dest);
                movedThisTerm.Add(e.Pupil.Id);
                dest.Enrollments.Add(new Enrollment { Pupil = e.Pupil, Class = cls, FromDay = moveDay, ToDay = term.Days.Count });
                m++;
            }
        }
    }
}
