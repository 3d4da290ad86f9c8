using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Flags;

/// <summary>Why a pupil at a level is in a digest: new at a level, escalated, a reminder, or only listed (still at a level).</summary>
public enum ReportReason { New, Escalated, Reminder, AtLevel }

/// <summary>A pupil at a level with everything a digest card may say about them, and where they come in the concern order.</summary>
public sealed record ReportablePupil(
    FlagRecord Flag, ReportReason Reason, Level? FromLevel, double TermShare, double RecentShare, int RecentDays, Direction Direction,
    double Concern, FinishedSpell? FinishedSpell, IReadOnlyList<WeekShare>? Weeks, Investigation? Investigation = null)
{
    public bool IsNews => Reason is ReportReason.New or ReportReason.Escalated;
}

/// <summary>
/// A school's pupils at a level on a date, in concern order, with what is news since the rektor's last digest: a pupil
/// new on Tuesday and escalated on Thursday is one escalation by Monday, and pupils who dropped below every level in
/// between are only counted.
/// </summary>
/// <param name="LastReportedOn">The last digest that told the rektor about anyone; null before the school's first digest.</param>
/// <param name="LeftLevels">Pupils who were at a level since that digest and are at none now.</param>
/// <param name="ShowsDays">The school's exports show single days (not summaries), so days and weeks can be shown.</param>
public sealed record SchoolNews(
    string Skolenhetskod, DateOnly AsOf, DateOnly? LastReportedOn, IReadOnlyList<ReportablePupil> Pupils, int LeftLevels, bool ShowsDays)
{
    /// <summary>The school's first digest: an overview of everyone at a level, not only news.</summary>
    public bool FirstDigest => LastReportedOn is null;

    public IReadOnlyList<ReportablePupil> News => Pupils.Where(p => p.IsNews).ToList();

    /// <summary>Whom a digest today would mention: everyone at go-live; afterwards news and reminders due.</summary>
    public IReadOnlyList<ReportablePupil> Reportable => FirstDigest ? Pupils : Pupils.Where(p => p.Reason != ReportReason.AtLevel).ToList();

    /// <summary>New hög frånvaro not yet told: what an urgent digest sends the next morning.</summary>
    public IReadOnlyList<ReportablePupil> UrgentNews => Pupils.Where(p => p.IsNews && p.Flag.Level == Level.High).ToList();
}
