using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Figures;

namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>Computes every pupil's figures at a school and applies the thresholds.</summary>
public sealed class ThresholdAnalysis(AttendanceFactStore facts, IOptions<ThresholdOptions> options)
{
    public async Task<IReadOnlyList<Assessment>> AssessSchoolAsync(string school, DateOnly asOf, CancellationToken ct = default)
    {
        var o = options.Value;
        var term = Term.Containing(asOf);
        var result = new List<Assessment>();
        await foreach (var (key, days) in facts.ReadPupilsAsync(school, term.Start, asOf, ct))
        {
            result.Add(RuleEvaluator.Evaluate(PupilFigures.Compute(key, school, days, asOf, o.RecentWindowDays), o));
        }

        return result;
    }
}
