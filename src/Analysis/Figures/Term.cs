namespace Skolnarvaro.Analysis.Figures;

/// <summary>A school term: HT (höstterminen) August–December, VT (vårterminen) January–June.</summary>
public sealed record Term(string Name, DateOnly Start, DateOnly End)
{
    public static Term Containing(DateOnly date) => date.Month >= 7
        ? new Term($"HT{date.Year}", new DateOnly(date.Year, 7, 1), new DateOnly(date.Year, 12, 31))
        : new Term($"VT{date.Year}", new DateOnly(date.Year, 1, 1), new DateOnly(date.Year, 6, 30));

    /// <summary>The term before this one: VT before HT, the previous year's HT before VT.</summary>
    public Term Previous => Containing(Start.AddDays(-1));

    public static Term Parse(string name)
    {
        if (name.Length == 6 && int.TryParse(name.AsSpan(2), out var year))
        {
            if (name.StartsWith("HT", StringComparison.OrdinalIgnoreCase))
            {
                return Containing(new DateOnly(year, 9, 1));
            }

            if (name.StartsWith("VT", StringComparison.OrdinalIgnoreCase))
            {
                return Containing(new DateOnly(year, 3, 1));
            }
        }

        throw new FormatException($"'{name}' is not a term; expected HT or VT and a year, such as HT2026.");
    }
}
