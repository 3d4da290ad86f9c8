using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Analysis.Tests.Figures;

/// <summary>
/// Whether a school has its recent window's school days in the term is answered from the first rows the index gives, and
/// from all rows when those do not show it: the answer is the full count's, whichever rows come first.
/// </summary>
public sealed class SchoolDaysTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string School = "33333333";
    private static readonly DateOnly Start = new(2026, 8, 17);

    private FactHistory History => new(db.DataSource);

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        await History.SchoolAsync(School);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_school_whose_first_rows_show_too_few_days_is_counted_over_all_its_rows()
    {
        // 401 pupils on the term's first 10 days (4,010 rows, more than the first rows read), then one pupil, last in key
        // order and written last, on the next 20: 30 school days in all, only 10 of them in the first 4,000 rows.
        for (var p = 0; p < 401; p++)
        {
            await History.DaysAsync(School, FactHistory.Pupil(p), FactHistory.Days(Start, 10, _ => 0));
        }

        var late = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        await History.DaysAsync(School, late, FactHistory.Days(Start, 30, _ => 0).Skip(10).ToList());
        var facts = new AttendanceFactStore(db.DataSource);
        var to = Start.AddDays(60);

        (await facts.SchoolDaysAsync(School, Start, to)).Should().HaveCount(30);
        (await facts.HasSchoolDaysAsync(School, Start, to, 10)).Should().BeTrue("the first rows show ten days");
        (await facts.HasSchoolDaysAsync(School, Start, to, 20)).Should().BeTrue("the last pupil's days count too");
        (await facts.HasSchoolDaysAsync(School, Start, to, 30)).Should().BeTrue();
        (await facts.HasSchoolDaysAsync(School, Start, to, 31)).Should().BeFalse();
        (await facts.HasSchoolDaysAsync("44444444", Start, to, 1)).Should().BeFalse("a school without facts has no school days");
    }
}
