using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Analysis.Tests.Figures;

/// <summary>
/// Reading a few pupils' facts by their keys gives exactly what reading the whole school gives for them: the same days in
/// date order, between the same dates, at that school only.
/// </summary>
public sealed class FactReadingTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string School = "33333333";
    private const string Other = "44444444";
    private static readonly DateOnly Start = new(2026, 8, 17);

    private FactHistory History => new(db.DataSource);

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        await History.SchoolAsync(School);
        await History.SchoolAsync(Other);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Reading_pupils_by_key_gives_their_days_as_reading_the_whole_school_does()
    {
        for (var p = 0; p < 12; p++)
        {
            await History.DaysAsync(School, FactHistory.Pupil(p), FactHistory.Days(Start, 20 + p, i => (i + p) % 4 == 0 ? 300 : (i * p) % 120));
        }

        // The same pupil at another school, and days outside the dates asked for, are not theirs to read here.
        await History.DaysAsync(Other, FactHistory.Pupil(3), FactHistory.Days(Start, 30, _ => 300));
        var facts = new AttendanceFactStore(db.DataSource);
        var (from, to) = (Start.AddDays(3), Start.AddDays(25));
        var whole = new Dictionary<byte[], DayFact[]>(PupilKeyComparer.Instance);
        await foreach (var (key, days) in facts.ReadPupilsAsync(School, from, to))
        {
            whole[key] = [.. days];
        }

        var asked = new[] { FactHistory.Pupil(3), FactHistory.Pupil(11), FactHistory.Pupil(0), FactHistory.Pupil(3), FactHistory.Pupil(99) };
        var read = await facts.ReadPupilsAsync(School, asked, from, to);

        read.Keys.Should().BeEquivalentTo([FactHistory.Pupil(0), FactHistory.Pupil(3), FactHistory.Pupil(11)], "a pupil without facts is missing");
        foreach (var (key, days) in read)
        {
            days.Should().Equal(whole[key]);
            days.Should().BeInAscendingOrder(d => d.Date);
            days.Should().OnlyContain(d => d.Date >= from && d.Date <= to);
        }

        (await facts.ReadPupilsAsync(School, [], from, to)).Should().BeEmpty();
    }

    [Fact]
    public async Task Reading_a_school_in_one_round_trip_gives_what_the_separate_reads_give()
    {
        await History.SchoolAsync(Other, "Independent");
        for (var p = 0; p < 5; p++)
        {
            await History.DaysAsync(Other, FactHistory.Pupil(p), FactHistory.Days(Start, 10 + p, i => i % 3 == 0 ? 120 : 0));
        }

        // Pupils 1 and 2 turn up at another school later: arrivals elsewhere.
        await History.DaysAsync(School, FactHistory.Pupil(1), FactHistory.Days(Start.AddDays(21), 5, _ => 0));
        await History.DaysAsync(School, FactHistory.Pupil(2), FactHistory.Days(Start.AddDays(28), 5, _ => 0));
        var facts = new AttendanceFactStore(db.DataSource);
        var (from, to) = (Start.AddDays(1), Start.AddDays(40));
        var separately = new List<(byte[] Key, List<DayFact> Days)>();
        await foreach (var pupil in facts.ReadPupilsAsync(Other, from, to))
        {
            separately.Add(pupil);
        }

        await using var read = await facts.ReadSchoolAsync(Other, from, to);
        var together = new List<(byte[] Key, List<DayFact> Days)>();
        await foreach (var pupil in read.PupilsAsync())
        {
            together.Add(pupil);
        }

        read.Driftsform.Should().Be("Independent").And.Be(await facts.DriftsformAsync(Other));
        var arrivals = await facts.ArrivalsElsewhereAsync(Other, to);
        read.ArrivalsElsewhere.Should().HaveCount(2).And.OnlyContain(a => arrivals[a.Key].SequenceEqual(a.Value));
        together.Select(p => Convert.ToHexString(p.Key)).Should().Equal(separately.Select(p => Convert.ToHexString(p.Key)));
        together.Zip(separately).Should().OnlyContain(x => x.First.Days.SequenceEqual(x.Second.Days));
        together.Should().HaveCount(5);

        await using var unknown = await facts.ReadSchoolAsync("55555555", from, to);
        unknown.Driftsform.Should().BeNull();
        unknown.ArrivalsElsewhere.Should().BeEmpty();
    }
}
