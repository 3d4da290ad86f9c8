namespace Skolnarvaro.Notifications.Digests;

/// <summary>What a digest template sees (as snake_case in Scriban: school.name, pupils, caveats…).</summary>
public sealed record DigestModel(
    DigestSchool School,
    string RunDate,
    IReadOnlyList<DigestPupil> Pupils,
    IReadOnlyList<string> Caveats,
    int HighCount,
    int AtRiskCount,
    int TrendCount);

public sealed record DigestSchool(string Skolenhetskod, string Name, string Huvudman, string Rectors);

public sealed record DigestPupil(
    string DisplayName,
    string ClassName,
    string Level,
    string LevelCode,
    string Change,
    string Since,
    IReadOnlyList<string> Descriptions);

/// <summary>One flagged pupil as the digest builder receives it: already a pseudonym plus what the name setting may show.</summary>
public sealed record FlaggedPupil(
    byte[] PupilKey, string FirstName, string LastName, string ClassName, string LevelCode, string ChangeCode, DateOnly Since,
    IReadOnlyList<string> Descriptions);
