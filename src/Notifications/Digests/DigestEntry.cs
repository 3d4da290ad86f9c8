namespace Skolnarvaro.Notifications.Digests;

/// <summary>
/// One pupil the analysis decided the rektor should hear about (new, escalated or reminded): the contract between the
/// flags and the digest. Level and change are the analysis's codes (High, AtRisk, Trend; New, Escalated, Still).
/// </summary>
public sealed record DigestEntry(byte[] PupilKey, string LevelCode, string ChangeCode, DateOnly Since, IReadOnlyList<string> Descriptions);

/// <summary>What the data behind a school's digest is worth: the facts the digest's caveats are written from.</summary>
public sealed record DigestDataQuality(
    DateOnly? LastExportDate, int SchoolDaysSinceLastExport, bool IsStale, double? ReportingRate, int RejectedFilesLast30Days);
