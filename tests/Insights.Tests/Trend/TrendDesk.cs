using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Tests.Trend;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Insights.Tests.Trend;

/// <summary>The desk's side of <see cref="TrendHistory"/>: the dataset and the trainer over a test database.</summary>
public static class TrendDesk
{
    public static TrendDataset Dataset(TestDatabase db) => new(db.DataSource, new AttendanceFactStore(db.DataSource));

    public static TrendTrainer Trainer(TestDatabase db, TrendOptions options) =>
        new(db.DataSource, Dataset(db), TrendHistory.Store(db), Microsoft.Extensions.Options.Options.Create(new ThresholdOptions()), Microsoft.Extensions.Options.Options.Create(options));
}
