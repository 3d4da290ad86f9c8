using System.Globalization;
using Skolnarvaro.Analysis.Figures;

namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>A pupil's level on a date, with the behaviour that put them there, in plain Swedish.</summary>
public sealed record Assessment(PupilFigures Figures, Level? Level, IReadOnlyList<string> Descriptions);

/// <summary>Applies the agreed rules to a pupil's figures. Descriptions say what the pupil did, never why.</summary>
public static class RuleEvaluator
{
    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");

    public static Assessment Evaluate(PupilFigures f, ThresholdOptions o)
    {
        if (f.ScheduledDays < o.MinimumScheduledDays)
        {
            return new Assessment(f, null, []);
        }

        var level = Meets(f, o.High, o) ? Level.High : Meets(f, o.AtRisk, o) ? Level.AtRisk : (Level?)null;
        return new Assessment(f, level, level is null ? [] : Describe(f, o));
    }

    private static bool Meets(PupilFigures f, LevelRules rules, ThresholdOptions o) =>
        (rules.AbsenceShare is { } share && (f.Recent.AbsenceShare(o.LateCountsAsAbsence) >= share - 1e-9 || f.Term.AbsenceShare(o.LateCountsAsAbsence) >= share - 1e-9))
        || (rules.ConsecutiveDaysAbsent is { } days && f.LongestSpellDays >= days)
        || (rules.UnexcusedMinutes is { } minutes && f.Recent.UnexcusedMinutes >= minutes);

    /// <summary>One to three sentences, the strongest signal first.</summary>
    public static IReadOnlyList<string> Describe(PupilFigures f, ThresholdOptions o)
    {
        var lines = new List<string>();
        if (f.LongestSpellDays >= 3 && f.LongestSpellStart is { } start)
        {
            var still = f.CurrentSpellDays == f.LongestSpellDays ? " och är fortfarande frånvarande" : "";
            lines.Add($"Frånvarande hela dagen {f.LongestSpellDays} skoldagar i följd från {start.ToString("d MMMM", Sv)}{still}.");
        }

        var recent = f.Recent.AbsenceShare(o.LateCountsAsAbsence);
        if (recent > 0)
        {
            var unexcused = f.Recent.UnexcusedShare > 0 ? $", varav ogiltig frånvaro {Percent(f.Recent.UnexcusedShare)}" : "";
            lines.Add($"Frånvarande {Percent(recent)} av den schemalagda tiden de senaste {f.Recent.Days} skoldagarna{unexcused}.");
        }

        var term = f.Term.AbsenceShare(o.LateCountsAsAbsence);
        if (term > 0 && f.Term.Days > f.Recent.Days && lines.Count < 3)
        {
            lines.Add($"Frånvarande {Percent(term)} av den schemalagda tiden hittills i terminen ({f.Term.Days} skoldagar).");
        }

        if (f.Recent.LateMinutes >= 60 && lines.Count < 3)
        {
            lines.Add($"Sen ankomst sammanlagt {Hours(f.Recent.LateMinutes)} de senaste {f.Recent.Days} skoldagarna.");
        }

        return lines.Take(3).ToList();
    }

    public static string Percent(double share) => (share * 100).ToString("0", Sv) + " %";

    public static string Hours(int minutes) => minutes < 90
        ? $"{minutes} minuter"
        : (minutes / 60.0).ToString("0.#", Sv) + " timmar";
}
