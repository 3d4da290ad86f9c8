using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Worker.Commands;

namespace Skolnarvaro.Worker.Tests.Trend;

public sealed class EvaluateOutputTests
{
    [Fact]
    public void A_recall_gap_that_rounds_to_zero_is_printed_as_zero()
    {
        // Two groups with the same recall can differ by a rounding error below zero: it printed "-+0.0 points".
        var gap = new RecallGap("Flickor", "Pojkar", -1e-17, -0.08, 0.08);

        EvaluateCommand.Gap(gap).Should().Be("0.0 points (95 %: -8.0 to +8.0), within noise");
        EvaluateCommand.Gap(gap with { Difference = -0.021 }).Should().StartWith("-2.1 points");
    }
}
