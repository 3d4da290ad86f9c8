using Npgsql;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Analysis.Tests.Investigations;

/// <summary>The legal steps: recorded with who and when, never changed in place, refused with a Swedish reason when they cannot be right.</summary>
public sealed class InvestigationStoreTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string School = "11111111";
    private const string OtherSchool = "22222222";
    private static readonly DateOnly Today = new(2026, 11, 20);
    private static readonly byte[] Pupil = FactHistory.Pupil(1);
    private static readonly byte[] Elsewhere = FactHistory.Pupil(2);

    private InvestigationStore Store => new(db.DataSource, new FixedClock(new DateTimeOffset(2026, 11, 20, 13, 0, 0, TimeSpan.Zero)));

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        var history = new FactHistory(db.DataSource);
        await history.SchoolAsync(School);
        await history.SchoolAsync(OtherSchool);
        await history.DaysAsync(School, Pupil, FactHistory.Days(new DateOnly(2026, 10, 1), 30, i => i < 10 ? 300 : 0));
        await history.DaysAsync(OtherSchool, Elsewhere, FactHistory.Days(new DateOnly(2026, 10, 1), 30, _ => 0));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Each_step_is_a_new_row_with_who_and_when_and_the_latest_row_of_a_step_is_its_state()
    {
        await Store.RecordAsync(School, Pupil, InvestigationStep.Started, Today.AddDays(-5), "rektor@skola.example.se");
        await Store.RecordAsync(School, Pupil, InvestigationStep.Started, Today.AddDays(-4), "rektor@skola.example.se");
        var now = await Store.RecordAsync(School, Pupil, InvestigationStep.Reported, Today.AddDays(-2), "bitr@skola.example.se");

        now.Should().Be(new Investigation(Today.AddDays(-4), Today.AddDays(-2), null));
        now.IsOpen.Should().BeTrue();
        await using var conn = await db.DataSource.OpenConnectionAsync();
        (await InvestigationStore.ForSchoolAsync(conn, School))[Pupil].Should().Be(now);
        var history = await Store.HistoryAsync(School, Pupil);
        history.Select(h => (h.Step, h.Date, h.RecordedBy)).Should().Equal(
            (InvestigationStep.Started, Today.AddDays(-5), "rektor@skola.example.se"),
            (InvestigationStep.Started, Today.AddDays(-4), "rektor@skola.example.se"),
            (InvestigationStep.Reported, Today.AddDays(-2), "bitr@skola.example.se"));

        var closed = await Store.RecordAsync(School, Pupil, InvestigationStep.Closed, Today, "rektor@skola.example.se");
        closed.IsOpen.Should().BeFalse();
        var withdrawn = await Store.RecordAsync(School, Pupil, InvestigationStep.Closed, null, "rektor@skola.example.se");
        withdrawn.Should().Be(new Investigation(Today.AddDays(-4), Today.AddDays(-2), null));
        (await Store.HistoryAsync(School, Pupil)).Should().HaveCount(5, "a withdrawal is recorded too, not a deletion");
    }

    [Fact]
    public async Task A_row_of_the_audit_trail_cannot_be_changed_in_place()
    {
        await Store.RecordAsync(School, Pupil, InvestigationStep.Started, Today, "rektor@skola.example.se");

        await using var cmd = db.DataSource.CreateCommand("update investigation_step set recorded_by = 'someone.else@example.se'");
        var update = async () => await cmd.ExecuteNonQueryAsync();

        (await update.Should().ThrowAsync<PostgresException>()).Which.MessageText.Should().Contain("append-only");
    }

    [Theory]
    [InlineData("Reported", 0, "Registrera först när utredningen inleddes.")]
    [InlineData("Started", 1, "ligger i framtiden")]
    [InlineData("Started", -400, "mer än ett år bakåt")]
    public async Task A_step_that_cannot_be_right_is_refused_with_a_Swedish_reason(string step, int days, string reason)
    {
        var record = () => Store.RecordAsync(School, Pupil, Enum.Parse<InvestigationStep>(step), Today.AddDays(days), "rektor@skola.example.se");

        (await record.Should().ThrowAsync<InvestigationRefused>()).Which.Message.Should().Contain(reason);
        (await Store.HistoryAsync(School, Pupil)).Should().BeEmpty();
    }

    [Fact]
    public async Task Steps_out_of_order_are_refused()
    {
        await Store.RecordAsync(School, Pupil, InvestigationStep.Started, Today.AddDays(-3), "r@example.se");
        await Store.RecordAsync(School, Pupil, InvestigationStep.Reported, Today.AddDays(-1), "r@example.se");

        var before = () => Store.RecordAsync(School, Pupil, InvestigationStep.Closed, Today.AddDays(-5), "r@example.se");
        var after = () => Store.RecordAsync(School, Pupil, InvestigationStep.Started, Today, "r@example.se");
        var withdrawStart = () => Store.RecordAsync(School, Pupil, InvestigationStep.Started, null, "r@example.se");

        (await before.Should().ThrowAsync<InvestigationRefused>()).Which.Message.Should().Contain("före utredningens start");
        (await after.Should().ThrowAsync<InvestigationRefused>()).Which.Message.Should().Contain("efter senare steg");
        (await withdrawStart.Should().ThrowAsync<InvestigationRefused>()).Which.Message.Should().Contain("Ta först bort de senare stegen");
    }

    [Fact]
    public async Task A_pupil_is_found_only_at_a_school_they_are_enrolled_at()
    {
        var foreign = () => Store.RecordAsync(School, Elsewhere, InvestigationStep.Started, Today, "rektor@skola.example.se");

        (await foreign.Should().ThrowAsync<InvestigationRefused>()).Which.Message.Should().Be("Eleven finns inte på skolan.");
        (await Store.HistoryAsync(OtherSchool, Elsewhere)).Should().BeEmpty();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");
    }
}
