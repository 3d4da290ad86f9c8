namespace Skolnarvaro.Worker.Generate;

/// <summary>
/// Options for the synthetic attendance-export generator. <see cref="TermStart"/> and <see cref="AsOf"/>
/// may be left at <c>default</c>: the sample term HT2026 (2026-08-17 .. 2026-11-20) is then used
/// (an explicit <see cref="TermStart"/> with a default <see cref="AsOf"/> gives a 14-week period).
/// </summary>
public sealed record GeneratorOptions(
    string OutputDirectory,
    int Seed = 20260817,
    int Pupils = 2000,
    int Schools = 6,
    DateOnly TermStart = default,
    DateOnly AsOf = default)
{
    public static readonly DateOnly DefaultTermStart = new(2026, 8, 17);
    public static readonly DateOnly DefaultAsOf = new(2026, 11, 20);

    /// <summary>The term start actually used (<see cref="DefaultTermStart"/> when left at default).</summary>
    public DateOnly EffectiveTermStart => TermStart == default ? DefaultTermStart : TermStart;

    /// <summary>The snapshot date actually used.</summary>
    public DateOnly EffectiveAsOf => AsOf != default
        ? AsOf
        : TermStart == default ? DefaultAsOf : TermStart.AddDays(7 * 14 - 3);
}

/// <summary>What the generator wrote: schools, distinct pupils, CSV files and data rows (headers excluded).</summary>
public sealed record GeneratorResult(int Schools, int Pupils, int Files, long Rows);
