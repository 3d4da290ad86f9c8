using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Analysis.Tests.Investigations;

/// <summary>The hand-off: support requested after the report to the huvudman, started and ended after it, in that order.</summary>
public sealed class SupportStepTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string School = "11111111";
    private static readonly DateOnly Today = new(2026, 11, 20);
    private static readonly byte[] Pupil = FactHistory.Pupil(1);

    private InvestigationStore Store => new(db.DataSource, new FixedClock(new DateTimeOffset(2026, 11, 20, 13, 0, 0, TimeSpan.Zero)));

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        var history = new FactHistory(db.DataSource);
        await history.SchoolAsync(School);
        await history.DaysAsync(School, Pupil, FactHistory.Days(new DateOnly(2026, 10, 1), 30, i => i < 10 ? 300 : 0));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<Investigation> Record(InvestigationStep step, int? daysAgo, string by = "rektor@skola.example.se") =>
        Store.RecordAsync(School, Pupil, step, daysAgo is { } n ? Today.AddDays(-n) : null, by);

    [Fact]
    public async Task The_hand_off_is_recorded_in_order_each_change_one_audited_row_and_the_view_has_its_dates()
    {
        await Record(InvestigationStep.Started, 20);
        await Record(InvestigationStep.Reported, 18);
        await Record(InvestigationStep.SupportRequested, 10);
        await Record(InvestigationStep.SupportStarted, 6, "team@kommun.example.se");
        var ended = await Record(InvestigationStep.SupportEnded, 1, "team@kommun.example.se");

        ended.Should().Be(new Investigation(Today.AddDays(-20), Today.AddDays(-18), null, Today.AddDays(-10), Today.AddDays(-6), Today.AddDays(-1)));
        await using var conn = await db.DataSource.OpenConnectionAsync();
        (await InvestigationStore.ForSchoolAsync(conn, School))[Pupil].Should().Be(ended);
        (await Store.HistoryAsync(School, Pupil)).Select(h => (h.Step, h.RecordedBy)).TakeLast(2).Should().Equal(
            (InvestigationStep.SupportStarted, "team@kommun.example.se"), (InvestigationStep.SupportEnded, "team@kommun.example.se"));
    }

    [Fact]
    public async Task Support_cannot_be_requested_before_the_report_to_the_huvudman()
    {
        await Record(InvestigationStep.Started, 20);
        var request = () => Record(InvestigationStep.SupportRequested, 5);
        (await request.Should().ThrowAsync<InvestigationRefused>()).Which.Message.Should().Be("Registrera först när eleven anmäldes till huvudmannen.");

        await Record(InvestigationStep.Reported, 10);
        var early = () => Record(InvestigationStep.SupportRequested, 12);
        (await early.Should().ThrowAsync<InvestigationRefused>()).Which.Message.Should()
            .Be("Datumet 2026-11-08 ligger före anmälan till huvudmannen (2026-11-10).");
        (await Store.HistoryAsync(School, Pupil)).Should().HaveCount(2, "nothing refused is recorded");
    }

    [Fact]
    public async Task The_team_cannot_start_support_before_the_request_nor_end_it_before_it_started()
    {
        await Record(InvestigationStep.Started, 20);
        await Record(InvestigationStep.Reported, 18);
        var start = () => Record(InvestigationStep.SupportStarted, 3);
        var end = () => Record(InvestigationStep.SupportEnded, 3);
        (await start.Should().ThrowAsync<InvestigationRefused>()).Which.Message.Should().Be("Registrera först när stöd begärdes från skolnärvaroteamet.");
        (await end.Should().ThrowAsync<InvestigationRefused>()).Which.Message.Should().Be("Registrera först när stödet påbörjades.");

        await Record(InvestigationStep.SupportRequested, 10);
        var startEarly = () => Record(InvestigationStep.SupportStarted, 11);
        (await startEarly.Should().ThrowAsync<InvestigationRefused>()).Which.Message.Should().Contain("ligger före begäran om stöd (2026-11-10)");
        await Record(InvestigationStep.SupportStarted, 8);
        var endEarly = () => Record(InvestigationStep.SupportEnded, 9);
        (await endEarly.Should().ThrowAsync<InvestigationRefused>()).Which.Message.Should().Contain("ligger före stödets start (2026-11-12)");
    }

    [Fact]
    public async Task An_earlier_step_is_not_withdrawn_nor_moved_past_a_later_one_that_needs_it()
    {
        await Record(InvestigationStep.Started, 20);
        await Record(InvestigationStep.Reported, 18);
        await Record(InvestigationStep.SupportRequested, 10);
        await Record(InvestigationStep.SupportStarted, 8);

        var withdrawReport = () => Record(InvestigationStep.Reported, null);
        var withdrawRequest = () => Record(InvestigationStep.SupportRequested, null);
        var moveReport = () => Record(InvestigationStep.Reported, 9);
        var moveRequest = () => Record(InvestigationStep.SupportRequested, 7);
        (await withdrawReport.Should().ThrowAsync<InvestigationRefused>()).Which.Message.Should().Be("Ta först bort de senare stegen.");
        (await withdrawRequest.Should().ThrowAsync<InvestigationRefused>()).Which.Message.Should().Be("Ta först bort de senare stegen.");
        (await moveReport.Should().ThrowAsync<InvestigationRefused>()).Which.Message.Should().Contain("Anmälan till huvudmannen kan inte ha gjorts 2026-11-11");
        (await moveRequest.Should().ThrowAsync<InvestigationRefused>()).Which.Message.Should().Contain("Stödet kan inte ha begärts 2026-11-13");

        await Record(InvestigationStep.SupportStarted, null, "team@kommun.example.se");
        var withdrawn = await Record(InvestigationStep.SupportRequested, null);
        withdrawn.SupportRequestedOn.Should().BeNull("withdrawn in the reverse order, each step goes");
        withdrawn.ReportedOn.Should().Be(Today.AddDays(-18));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");
    }
}
