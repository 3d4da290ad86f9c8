using System.Globalization;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Patterns;
using Skolnarvaro.Analysis.Thresholds.Rules;

namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>
/// One to three plain Swedish sentences about what a flagged pupil did: what put them at the level first, then the
/// patterns, then the figures behind them. Behaviour only ("Frånvarande 4 av de senaste 5 måndagarna"), never a label,
/// a reason or a guess.
/// </summary>
public static class BehaviourDescriptions
{
    public const int Max = 3;

    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");

    private static readonly string[] WeekdaysPlural =
        ["söndagarna", "måndagarna", "tisdagarna", "onsdagarna", "torsdagarna", "fredagarna", "lördagarna"];

    /// <param name="rulesMet">The rules that put the pupil at the level, as <c>Rule[:Window]</c> in <see cref="ThresholdRule.All"/>'s order.</param>
    public static IReadOnlyList<string> Describe(
        PupilFigures f, IReadOnlyList<string> rulesMet, PupilPatterns p, EffectiveThresholds t, bool showsDays = true)
    {
        // Without single days (summary exports), days in a row and late arrivals are artefacts of spreading a total.
        var spell = showsDays ? Spell(f) : null;
        var recentShare = RecentShare(f, t.LateCountsAsAbsence);
        var termShare = TermShare(f, t.LateCountsAsAbsence);
        var unexcusedRule = rulesMet.FirstOrDefault(r => r.StartsWith("UnexcusedMinutes", StringComparison.Ordinal));
        var unexcused = Unexcused(f, UnexcusedMinutesRule.WindowOf(unexcusedRule));
        var late = showsDays ? Late(f) : null;

        // What put the pupil at the level: the first rule that held and can say so.
        var lines = rulesMet
            .Select(met => ThresholdRule.Of(met).Describe(f, met, t, showsDays))
            .OfType<string>().Take(1).ToList<string?>();

        // Then the patterns, then the figures that support them.
        lines.Add(p.RecurringWeekday is { } w ? Weekday(w) : null);
        lines.Add(p.OneSubject is { } s ? Subject(s, f) : null);
        lines.Add(p.LongSpell ? spell : null);
        lines.Add(p.Scattered ? PartDays(f.Recent.PartDays, f.Recent.Days) : null);
        lines.Add(p.LateArrivals ? late : null);
        lines.Add(recentShare);
        lines.Add(unexcusedRule is not null || f.Recent.UnexcusedMinutes >= 60 ? unexcused : null);
        lines.Add(f.Term.Days > f.Recent.Days ? termShare : null);

        return lines.OfType<string>().Distinct().Take(Max).ToList();
    }

    internal static string? Spell(PupilFigures f)
    {
        if (f.LongestSpellDays < 2 || f.LongestSpellStart is not { } start)
        {
            return null;
        }

        var still = f.CurrentSpellDays != f.LongestSpellDays ? ""
            : DataStopsEarly(f) ? $" till och med senaste exporten ({f.LastDate!.Value.ToString("d MMMM", Sv)})"
            : " och är fortfarande frånvarande";
        return $"Frånvarande hela dagen {f.LongestSpellDays} skoldagar i följd från {start.ToString("d MMMM", Sv)}{still}.";
    }

    /// <summary>
    /// The pupil's facts end school days before the run (the school's export stops early): whether they are still absent is
    /// not known. A weekend or one missing day between the last export and the run is how exports normally arrive.
    /// </summary>
    private static bool DataStopsEarly(PupilFigures f)
    {
        if (f.LastDate is not { } last)
        {
            return false;
        }

        var weekdays = 0;
        for (var d = last.AddDays(1); d < f.AsOf; d = d.AddDays(1))
        {
            weekdays += d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0 : 1;
        }

        return weekdays >= 2;
    }

    /// <summary>"Frånvarande under en del av dagen 6 av de senaste 20 skoldagarna."</summary>
    public static string PartDays(int partDays, int days) => $"Frånvarande under en del av dagen {partDays} av de senaste {days} skoldagarna.";

    /// <summary>"Frånvarande alla de senaste 5 fredagarna", "Frånvarande, helt eller delvis, 4 av de senaste 5 måndagarna".</summary>
    public static string Weekday(WeekdayFigures w)
    {
        var part = w.HalfDayOrMore == w.AbsentDays ? "" : ", helt eller delvis,";
        var count = w.AbsentDays == w.Occurrences ? "alla" : $"{w.AbsentDays} av";
        return $"Frånvarande{part} {count} de senaste {w.Occurrences} {WeekdaysPlural[(int)w.Day]}.";
    }

    internal static string? RecentShare(PupilFigures f, bool lateCounts)
    {
        var share = f.Recent.AbsenceShare(lateCounts);
        if (share <= 0)
        {
            return null;
        }

        var unexcused = f.Recent.UnexcusedShare > 0 ? $", varav ogiltig frånvaro {RuleEvaluator.Percent(f.Recent.UnexcusedShare)}" : "";
        var late = lateCounts && f.Recent.LateMinutes > 0 ? " (sen ankomst inräknad)" : "";
        return $"Frånvarande {RuleEvaluator.Percent(share)} av den schemalagda tiden de senaste {f.Recent.Days} skoldagarna{late}{unexcused}.";
    }

    internal static string? TermShare(PupilFigures f, bool lateCounts)
    {
        var share = f.Term.AbsenceShare(lateCounts);
        return share <= 0 ? null
            : $"Frånvarande {RuleEvaluator.Percent(share)} av den schemalagda tiden hittills i terminen ({f.Term.Days} skoldagar).";
    }

    internal static string? Unexcused(PupilFigures f, Window window)
    {
        var w = window == Window.Term ? f.Term : f.Recent;
        if (w.UnexcusedMinutes <= 0)
        {
            return null;
        }

        var when = window == Window.Term ? $"hittills i terminen ({w.Days} skoldagar)" : $"de senaste {w.Days} skoldagarna";
        return $"Ogiltig frånvaro {RuleEvaluator.Hours(w.UnexcusedMinutes)} {when}.";
    }

    internal static string? Late(PupilFigures f) => f.Recent.LateDays == 0 ? null
        : $"Sen ankomst {f.Recent.LateDays} av de senaste {f.Recent.Days} skoldagarna, sammanlagt {RuleEvaluator.Hours(f.Recent.LateMinutes)}.";

    private static string Subject(SubjectFigures s, PupilFigures f) =>
        $"Frånvarande vid {s.AbsentLessons} av de {s.Lessons} lektionerna i {InRunningText(s.Subject)} de senaste {f.Recent.Days} skoldagarna.";

    /// <summary>Subject names are written in lower case in running Swedish ("i matematik"), abbreviations kept ("i SO").</summary>
    public static string InRunningText(string subject) =>
        subject.Length > 1 && char.IsUpper(subject[0]) && char.IsLower(subject[1])
            ? char.ToLower(subject[0], Sv) + subject[1..]
            : subject;
}
