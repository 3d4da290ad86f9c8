using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Trend;

/// <summary>
/// One pupil at one school on one school day: the features (facts up to the date only), the level the rules gave them
/// that day, and what happened next (facts after the date, for the labels and the lead time only). The desk's dataset
/// (src/Insights) builds them; <see cref="TrendModel.Train"/> fits on them.
/// </summary>
public sealed record TrendSample(
    string Skolenhetskod, byte[] PupilKey, DateOnly Date, float[] Features, Level? LevelNow,
    int? SchoolDaysToHigh, DateOnly? HighOn, bool Label, string Gender, string Driftsform)
{
    /// <summary>The last school day the label looks at.</summary>
    public DateOnly HorizonEnd { get; init; }

    /// <summary>The school day's index in the period at the pupil's school: leads are counted in these.</summary>
    public int Day { get; init; }

    /// <summary>The pupil's grade on the date (-1 unknown), for the grade bands.</summary>
    public int Grade { get; init; }

    /// <summary>Lasting problematic absence: the share over the horizon, taken together, reaches the level's share.</summary>
    public bool Lasting { get; init; }

    /// <summary>The last 20 days' absence is mostly whole days of giltig frånvaro (illness, a trip): see <see cref="IllnessSpell"/>.</summary>
    public bool IllnessLike { get; init; }

    /// <summary>Not at any level on the date: the pupils the nightly run may flag Trend.</summary>
    public bool NotAtLevel => LevelNow is null;
}
