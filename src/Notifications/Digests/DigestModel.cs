namespace Skolnarvaro.Notifications.Digests;

/// <summary>What a digest template sees (as snake_case in Scriban: school.name, pupils, caveats…).</summary>
public sealed record DigestModel(
    DigestSchool School,
    string RunDate,
    IReadOnlyList<DigestPupil> Pupils,
    IReadOnlyList<string> Caveats,
    int HighCount,
    int AtRiskCount,
    int TrendCount,
    int NewCount,
    int EscalatedCount,
    int ReminderCount)
{
    /// <summary>"2 nya, 1 med ökad frånvaro, 1 påminnelse om fortsatt frånvaro".</summary>
    public string Summary => string.Join(", ", new[]
    {
        NewCount > 0 ? $"{NewCount} {(NewCount == 1 ? "ny" : "nya")}" : null,
        EscalatedCount > 0 ? $"{EscalatedCount} med ökad frånvaro" : null,
        ReminderCount > 0 ? $"{ReminderCount} {(ReminderCount == 1 ? "påminnelse" : "påminnelser")} om fortsatt frånvaro" : null,
    }.Where(part => part is not null));
}

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
