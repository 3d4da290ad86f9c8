using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Patterns;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Analysis.Tests.Trend;

/// <summary>
/// A seeded term of pupils whose futures differ, small enough to train on in a second: most absent now and then, some
/// steadily around riskfrånvaro, some with a single spell, and a quarter whose absence starts rising at some point and
/// keeps rising (at different speeds) until they reach hög frånvaro.
/// </summary>
public static class TrendHistory
{
    public const string School = "11111111";
    public static readonly IReadOnlyList<DateOnly> Term = TestExports.SchoolDays(new DateOnly(2026, 8, 17), 60);

    /// <summary>Small and quick; the defaults are for a municipality.</summary>
    public static TrendOptions Options(int trees = 40) => new()
    {
        HorizonWeeks = 3,
        CutOff = 0.3,
        MinimumAuc = 0.6,
        Trainer = new TrendTrainerSettings { Trees = trees, Leaves = 8, MinimumExamplesPerLeaf = 5, LearningRate = 0.15 },
    };

    public static async Task WriteAsync(FactHistory history, int pupils = 240, int seed = 20260817, string school = School)
    {
        await history.SchoolAsync(school);
        for (var n = 0; n < pupils; n++)
        {
            var random = new Random(seed + n);
            var kind = random.NextDouble();
            var start = random.Next(10, 45);
            var speed = 6 + random.Next(15);
            var spellAt = random.Next(5, 55);
            await history.DaysAsync(school, FactHistory.Pupil(n), FactHistory.Days(Term[0], Term.Count, i =>
            {
                var everyday = random.NextDouble() < 0.02 ? 300 : random.NextDouble() < 0.04 ? 60 : 0;
                return kind switch
                {
                    < 0.25 when i >= start => Math.Min(300, Math.Max(everyday, speed * (i - start + 1) + (random.NextDouble() < 0.3 ? 60 : 0))),
                    < 0.40 => random.NextDouble() < 0.1 ? 240 : everyday,
                    < 0.50 => i >= spellAt && i < spellAt + 3 ? 300 : everyday,
                    _ => everyday,
                };
            }));
        }
    }

    public static ThresholdAnalysis Analysis(TestDatabase db) =>
        new(new AttendanceFactStore(db.DataSource), new SubjectFactStore(db.DataSource), Microsoft.Extensions.Options.Options.Create(new ThresholdOptions()));

    public static TrendModelStore Store(TestDatabase db) => new(db.DataSource, TimeProvider.System);

    public static TrendScoring Scoring(TestDatabase db, TrendOptions options) =>
        new(new AttendanceFactStore(db.DataSource), db.DataSource, Store(db), Analysis(db),
            Microsoft.Extensions.Options.Options.Create(new ThresholdOptions()), Microsoft.Extensions.Options.Options.Create(options));
}
