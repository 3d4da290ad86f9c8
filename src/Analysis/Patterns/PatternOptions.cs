using System.Globalization;

namespace Skolnarvaro.Analysis.Patterns;

/// <summary>When a behaviour is worth naming in a pupil's description (Skolnarvaro:Thresholds:Patterns).</summary>
public sealed class PatternOptions
{
    /// <summary>"Frånvarande 4 av de senaste 5 måndagarna": absent on at least MinDays of the last Weeks occurrences of one weekday.</summary>
    public WeekdayPattern RecurringWeekday { get; set; } = new();
    /// <summary>"Frånvarande 5 av 8 lektioner i matematik": from lesson exports only.</summary>
    public SubjectPattern OneSubject { get; set; } = new();
    /// <summary>Ströfrånvaro: part-day absence on at least MinDays of the recent window.</summary>
    public DaysPattern Scattered { get; set; } = new() { MinDays = 6 };
    /// <summary>One long spell: at least MinDays whole days in a row.</summary>
    public DaysPattern LongSpell { get; set; } = new() { MinDays = 3 };
    /// <summary>Late arrival on at least MinDays of the recent window.</summary>
    public DaysPattern LateArrivals { get; set; } = new() { MinDays = 4 };

    internal void Validate(List<string> errors, string key)
    {
        if (RecurringWeekday.Weeks is < 2 or > 20)
        {
            errors.Add($"{key}:RecurringWeekday:Weeks = {RecurringWeekday.Weeks}: expected 2 to 20 weeks.");
        }

        if (RecurringWeekday.MinDays < 2 || RecurringWeekday.MinDays > RecurringWeekday.Weeks)
        {
            errors.Add($"{key}:RecurringWeekday:MinDays = {RecurringWeekday.MinDays}: expected 2 to Weeks ({RecurringWeekday.Weeks}).");
        }

        if (OneSubject.MinLessons < 1)
        {
            errors.Add($"{key}:OneSubject:MinLessons = {OneSubject.MinLessons}: must be at least 1.");
        }

        if (double.IsNaN(OneSubject.MinShare) || OneSubject.MinShare <= 0 || OneSubject.MinShare > 1)
        {
            errors.Add($"{key}:OneSubject:MinShare = {OneSubject.MinShare.ToString(CultureInfo.InvariantCulture)}: expected a share above 0 and at most 1, such as 0.5.");
        }

        foreach (var (name, p) in new[] { ("Scattered", Scattered), ("LongSpell", LongSpell), ("LateArrivals", LateArrivals) })
        {
            if (p.MinDays < 1)
            {
                errors.Add($"{key}:{name}:MinDays = {p.MinDays}: must be at least 1.");
            }
        }
    }
}

public sealed class WeekdayPattern
{
    public int Weeks { get; set; } = 5;
    public int MinDays { get; set; } = 3;
}

public sealed class SubjectPattern
{
    /// <summary>Lessons in the subject in the recent window before it can be named.</summary>
    public int MinLessons { get; set; } = 4;
    /// <summary>Share of the subject's lessons the pupil was absent from.</summary>
    public double MinShare { get; set; } = 0.5;
}

public sealed class DaysPattern
{
    public int MinDays { get; set; }
}
