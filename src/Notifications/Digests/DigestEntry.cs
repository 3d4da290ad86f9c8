namespace Skolnarvaro.Notifications.Digests;

/// <summary>
/// One pupil at a level as the analysis hands them to the digest: the contract between the flags and the digest. Codes
/// are the analysis's: level High, AtRisk, Trend; change New, Escalated, Reminder or AtLevel (only listed); direction
/// Rising, Falling or Unchanged. Entries arrive in concern order, the most worrying first.
/// </summary>
public sealed record DigestEntry(
    byte[] PupilKey, string LevelCode, string ChangeCode, string? FromLevelCode, DateOnly Since, IReadOnlyList<string> Descriptions,
    double TermShare, double RecentShare, int RecentDays, string Direction, DigestSpell? FinishedSpell, IReadOnlyList<DigestWeek>? Weeks,
    DigestInvestigation? Investigation = null)
{
    public bool IsNews => ChangeCode is "New" or "Escalated";
}

/// <summary>One school week of a pupil's course: the share of registered time absent, null without registered time; <paramref name="Lov"/> when the school had no school day that week.</summary>
public sealed record DigestWeek(DateOnly Monday, double? Share, bool Lov = false);

/// <summary>
/// The steps recorded for the pupil on the rektor's page (null dates: not taken): the school's investigation, and after its
/// anmälan the hand-off to the skolnärvaroteam (support requested by the rektor, started and ended by the team).
/// </summary>
public sealed record DigestInvestigation(
    DateOnly? StartedOn, DateOnly? ReportedOn, DateOnly? ClosedOn,
    DateOnly? SupportRequestedOn = null, DateOnly? SupportStartedOn = null, DateOnly? SupportEndedOn = null);

/// <summary>A finished spell of whole days of giltig frånvaro, the pupil present since.</summary>
public sealed record DigestSpell(DateOnly From, DateOnly To);

/// <summary>What the analysis has for a school's digest on a date.</summary>
/// <param name="Pupils">Everyone at a level, in concern order.</param>
/// <param name="FirstDigest">No digest has told the rektor about anyone yet: the digest is an overview.</param>
/// <param name="LeftLevels">Pupils at a level since the last digest who are at none now: counted, not listed.</param>
/// <param name="ShowsDays">The school's exports show single days; summaries do not, and the digest says so.</param>
/// <param name="Links">Each rektor's personal link to the school's page, by e-mail address; empty where the page is not served.</param>
public sealed record DigestRequest(IReadOnlyList<DigestEntry> Pupils, bool FirstDigest, int LeftLevels, bool ShowsDays)
{
    public IReadOnlyDictionary<string, DigestLink> Links { get; init; } = new Dictionary<string, DigestLink>();

    /// <summary>Who else at the school is told this time (mentors, elevhälsan), as one sentence; null when nobody is.</summary>
    public string? AlsoTold { get; init; }

    /// <summary>The school's classes without a mentor in the roster in force (empty without a roster): the rektor hears of them.</summary>
    public IReadOnlyList<string> ClassesWithoutMentor { get; init; } = [];
}

/// <summary>What the data behind a school's digest is worth: the facts the digest's caveats are written from.</summary>
/// <param name="KeptPupilDaysLast30Days">Pupil-days whose earlier figures were kept because rows of a newer export were quarantined.</param>
public sealed record DigestDataQuality(
    DateOnly? LastExportDate, int SchoolDaysSinceLastExport, bool IsStale, double? ReportingRate, int RejectedFilesLast30Days,
    int KeptPupilDaysLast30Days = 0);
