namespace Skolnarvaro.Generator.Dynamics;

/// <summary>A pupil's everyday habits outside any lasting course.</summary>
internal sealed record OrdinaryHabits(double LateRate, double SkipRate, double AppointmentRate, double UnreportedSickShare);

/// <summary>How the absence of one day lands on its lessons.</summary>
internal static class DayParts
{
    public static void WholeDay(LessonStatus status, Lesson[] lessons, Span<LessonOutcome> result)
    {
        for (int i = 0; i < lessons.Length; i++)
        {
            result[i] = new LessonOutcome { Status = status, Minutes = lessons[i].Length };
        }
    }

    /// <summary>
    /// Part of a day: a late start (the morning is hardest: late to the first lesson or missing it), leaving after lunch,
    /// or single lessons skipped (ogiltig whatever the guardians say about the rest). <paramref name="leaveEarly"/>
    /// forces the afternoon off (a Friday that starts the weekend early).
    /// </summary>
    public static void Partial(Random r, Lesson[] lessons, Span<LessonOutcome> result, LessonStatus status, bool leaveEarly)
    {
        int n = lessons.Length;
        double form = leaveEarly ? 0.5 : r.NextDouble();
        if (form < 0.4)
        {
            int missed = r.NextDouble() < 0.5 ? 0 : 1 + r.Next(Math.Max(1, n / 2));
            for (int i = 0; i < missed && i < n - 1; i++)
            {
                result[i] = new LessonOutcome { Status = status, Minutes = lessons[i].Length };
            }
            int first = Math.Min(missed, n - 1);
            result[first] = new LessonOutcome { Status = LessonStatus.Late, Minutes = Math.Min(lessons[first].Length - 5, 10 + r.Next(26)) };
        }
        else if (form < 0.7)
        {
            int from = Math.Max(1, n / 2 + r.Next(-1, 2));
            for (int i = from; i < n; i++)
            {
                result[i] = new LessonOutcome { Status = status, Minutes = lessons[i].Length };
            }
        }
        else
        {
            int k = 1 + (r.NextDouble() < 0.35 ? 1 : 0);
            for (int j = 0; j < k; j++)
            {
                int i = r.Next(n);
                result[i] = new LessonOutcome { Status = LessonStatus.Unexcused, Minutes = lessons[i].Length };
            }
        }
    }

    /// <summary>An ordinary day: perhaps an appointment (one or two lessons, giltig), perhaps late, perhaps a skipped lesson.
    /// Fridays carry a little more of it, as every study of absence by weekday finds.</summary>
    public static void Ordinary(Random r, Lesson[] lessons, Span<LessonOutcome> result, OrdinaryHabits habits, DayOfWeek day)
    {
        int n = lessons.Length;
        double friday = day == DayOfWeek.Friday ? 1.5 : 1;
        if (r.NextDouble() < habits.AppointmentRate)
        {
            int s = r.Next(n);
            int k = 1 + r.Next(2);
            for (int i = s; i < Math.Min(n, s + k); i++)
            {
                result[i] = new LessonOutcome { Status = LessonStatus.Excused, Minutes = lessons[i].Length };
            }
        }
        if (result[0].Status == LessonStatus.Present && r.NextDouble() < habits.LateRate * (day == DayOfWeek.Monday ? 1.3 : 1))
        {
            result[0] = new LessonOutcome { Status = LessonStatus.Late, Minutes = Math.Min(lessons[0].Length - 5, 2 + r.Next(19)) };
        }
        if (habits.SkipRate <= 0)
        {
            return;
        }
        for (int i = 0; i < n; i++)
        {
            // The last lesson of a Friday is the one most often skipped.
            double p = habits.SkipRate * friday * (day == DayOfWeek.Friday && i == n - 1 ? 2 : 1);
            if (result[i].Status == LessonStatus.Present && r.NextDouble() < p)
            {
                result[i] = new LessonOutcome { Status = LessonStatus.Unexcused, Minutes = lessons[i].Length };
            }
        }
    }
}
