namespace Skolnarvaro.Generator;

/// <summary>
/// Options for the synthetic attendance-export generator. <see cref="TermStart"/> and <see cref="AsOf"/>
/// may be left at <c>default</c>: the sample term HT2026 (2026-08-17 .. 2026-11-20) is then used
/// (an explicit <see cref="TermStart"/> with a default <see cref="AsOf"/> gives a 14-week period).
/// With <see cref="From"/> set the generator writes a multi-term history instead (<see cref="IsHistory"/>):
/// the Swedish school calendar's terms from <see cref="From"/> to <see cref="AsOf"/>, pupils whose absence
/// evolves over time, one file set per term per school.
/// </summary>
public sealed record GeneratorOptions(
    string OutputDirectory,
    int Seed = 20260817,
    int Pupils = 2000,
    int Schools = 6,
    DateOnly TermStart = default,
    DateOnly AsOf = default,
    DateOnly From = default,
    HistoryDynamics Dynamics = HistoryDynamics.Drift)
{
    public static readonly DateOnly DefaultTermStart = new(2026, 8, 17);
    public static readonly DateOnly DefaultAsOf = new(2026, 11, 20);

    /// <summary>The sample history (<c>--history</c>): HT2025, VT2026 and HT2026 up to <see cref="DefaultAsOf"/>.</summary>
    public static readonly DateOnly DefaultHistoryFrom = new(2025, 8, 18);

    public bool IsHistory => From != default;

    /// <summary>The term start actually used (<see cref="DefaultTermStart"/> when left at default).</summary>
    public DateOnly EffectiveTermStart => IsHistory ? From : TermStart == default ? DefaultTermStart : TermStart;

    /// <summary>The snapshot date actually used.</summary>
    public DateOnly EffectiveAsOf => AsOf != default
        ? AsOf
        : TermStart == default || IsHistory ? DefaultAsOf : TermStart.AddDays(7 * 14 - 3);
}

/// <summary>Which generator writes a history's absence.</summary>
public enum HistoryDynamics
{
    /// <summary>The first generator: a latent propensity per pupil that drifts, rises and recovers (the model was designed on it).</summary>
    Drift,
    /// <summary>The second generator, designed apart from the first after published descriptions of how absence develops
    /// (src/Generator/Dynamics, docs/history-generators.md).</summary>
    Published,
}

/// <summary>What the generator wrote: schools, distinct pupils, CSV files and data rows (headers excluded).</summary>
public sealed record GeneratorResult(int Schools, int Pupils, int Files, long Rows);
