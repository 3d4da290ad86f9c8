namespace Skolnarvaro.Generator;

/// <summary>
/// How a simulated day's absence lands on its lessons, shared by the single-term profile (<see cref="AbsenceProfile"/>)
/// and the history (<see cref="HistoryAbsence"/>). Each step draws from the day's random stream in a fixed order, so a
/// seed keeps writing the same bytes.
/// </summary>
internal static class LessonDay
{
    /// <summary>Part of the day absent: a run of lessons at the end or the start, or scattered lessons.</summary>
    public static void PartOfDay(Random r, LessonStatus status, Lesson[] lessons, Span<LessonOutcome> result)
    {
        int n = lessons.Length;
        int k = 1 + r.Next(n - 1);
        double mode = r.NextDouble();
        for (int i = 0; i < n; i++)
        {
            bool absent = mode < 0.5 ? i >= n - k : mode < 0.8 ? i < k : r.NextDouble() < 0.5;
            if (absent)
            {
                result[i] = new LessonOutcome { Status = status, Minutes = lessons[i].Length };
            }
        }
    }

    /// <summary>Every lesson of the day absent with <paramref name="status"/>.</summary>
    public static void WholeDay(LessonStatus status, Lesson[] lessons, Span<LessonOutcome> result)
    {
        for (int i = 0; i < lessons.Length; i++)
        {
            result[i] = new LessonOutcome { Status = status, Minutes = lessons[i].Length };
        }
    }

    /// <summary>
    /// A day the pupil attends: perhaps a doctor's visit (one or two lessons, excused), then ströfrånvaro (more in one
    /// subject when given) and single missed lessons. Returns the first lesson the pupil is present at, or -1.
    /// </summary>
    public static int SingleLessons(
        Random r, Lesson[] lessons, Span<LessonOutcome> result, double partialDayRate, string? stroSubject, double stroSubjectRate,
        double stroRate, double singleLessonRate)
    {
        int n = lessons.Length;
        if (r.NextDouble() < partialDayRate)
        {
            int k = 1 + r.Next(2);
            int s = r.Next(n);
            for (int i = s; i < Math.Min(n, s + k); i++)
            {
                result[i] = new LessonOutcome { Status = LessonStatus.Excused, Minutes = lessons[i].Length };
            }
        }

        for (int i = 0; i < n; i++)
        {
            if (result[i].Status != LessonStatus.Present)
            {
                continue;
            }
            double stro = stroSubject is not null && lessons[i].Subject == stroSubject ? stroSubjectRate : stroRate;
            if (stro > 0 && r.NextDouble() < stro)
            {
                result[i] = new LessonOutcome { Status = LessonStatus.Unexcused, Minutes = UnexcusedMinutes(r, lessons[i].Length) };
            }
            else if (r.NextDouble() < singleLessonRate)
            {
                result[i] = r.NextDouble() < 0.65
                    ? new LessonOutcome { Status = LessonStatus.Unexcused, Minutes = UnexcusedMinutes(r, lessons[i].Length) }
                    : new LessonOutcome { Status = LessonStatus.Excused, Minutes = lessons[i].Length };
            }
        }

        for (int i = 0; i < n; i++)
        {
            if (result[i].Status == LessonStatus.Present)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Late to the first lesson attended, with probability <paramref name="rate"/>.</summary>
    public static void LateArrival(Random r, Lesson[] lessons, Span<LessonOutcome> result, int first, double rate, int minMinutes, int maxMinutes)
    {
        if (first >= 0 && r.NextDouble() < rate)
        {
            int span = maxMinutes - minMinutes + 1;
            int minutes = minMinutes + (int)(span * Math.Pow(r.NextDouble(), 1.4));
            minutes = Math.Clamp(minutes, 1, Math.Min(30, lessons[first].Length - 5));
            result[first] = new LessonOutcome { Status = LessonStatus.Late, Minutes = minutes };
        }
    }

    /// <summary>Usually the whole lesson; sometimes only part of it (left early / arrived very late).</summary>
    private static int UnexcusedMinutes(Random r, int length)
    {
        if (r.NextDouble() >= 0.15)
        {
            return length;
        }
        int part = (int)Math.Round(length * (0.3 + 0.5 * r.NextDouble()) / 5.0) * 5;
        return Math.Clamp(part, 5, length - 5);
    }
}
