using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Patterns;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Analysis.Tests.Thresholds;

/// <summary>
/// A school's last 20 school days of VT2026 (18 May – 12 June) and its first 30 of HT2026 (from 17 August), with a
/// classmate present throughout, so the school has school days at both ends of the summer: the history of the term-start
/// tests, of the nightly analysis here and of the back-test in Insights.Tests.
/// </summary>
public sealed class TermStartHistory(TestDatabase db)
{
    public const string A = "11111111";
    public const string B = "22222222";
    public static readonly IReadOnlyList<DateOnly> VtEnd = TestExports.SchoolDays(new DateOnly(2026, 5, 18), 20);
    public static readonly IReadOnlyList<DateOnly> Ht = TestExports.SchoolDays(new DateOnly(2026, 8, 17), 30);

    public FactHistory History => new(db.DataSource);

    /// <summary>Schools A and B, and A's classmate present on every day.</summary>
    public async Task WriteAsync()
    {
        await db.ResetAsync();
        await History.SchoolAsync(A);
        await History.SchoolAsync(B);
        await AttendsAsync(A, FactHistory.Pupil(100), _ => 0, _ => 0);
    }

    /// <summary>The pupil's minutes absent on each of VT's last 20 days and HT's 30, by the day's index.</summary>
    public async Task AttendsAsync(string school, byte[] pupil, Func<int, int> absentInVt, Func<int, int> absentInHt)
    {
        await History.DaysAsync(school, pupil, FactHistory.Days(VtEnd[0], 20, absentInVt));
        await History.DaysAsync(school, pupil, FactHistory.Days(Ht[0], Ht.Count, absentInHt));
    }

    public ThresholdAnalysis Analysis(ThresholdOptions? options = null) =>
        new(new AttendanceFactStore(db.DataSource), new SubjectFactStore(db.DataSource), Options.Create(options ?? new ThresholdOptions()));
}
