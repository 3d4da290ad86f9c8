using MimeKit;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Pages;
using Skolnarvaro.Calendar;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;

namespace Skolnarvaro.Worker.Tests.Nightly;

/// <summary>
/// The nightly run and the huvudman's view count school days with the one school calendar (the default Swedish one here:
/// höstlov is ISO week 44, Monday 26 to Friday 30 October 2026): a digest day in a break is skipped and its news goes on
/// the first digest day after it, and a pupil at hög frånvaro is overdue for an investigation by the calendar's days, not
/// by the days the school's exports happen to hold.
/// </summary>
public sealed class SchoolCalendarTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly DateOnly GoLive = new(2026, 10, 12);
    private static readonly DateOnly HostlovMonday = new(2026, 10, 26);
    private static readonly DateOnly MondayAfterHostlov = new(2026, 11, 2);

    // Monday 7 September to Friday 23 October 2026, the last week before höstlov.
    private static readonly IReadOnlyList<DateOnly> Days = TestExports.SchoolDays(new DateOnly(2026, 9, 7), 35);
    private static readonly TestSchool School = new("11111111", "Lovskolan", "rektor@lovskolan.example.se");

    // 30 % of every day: hög frånvaro, told about in the go-live overview.
    private static readonly TestPupil Steady = TestPupil.Create(2013, 3, 1, 11, "Sara", "Stadig", "7A");
    // Absent the whole week before höstlov: five school days in a row is hög frånvaro, news on the Monday of höstlov.
    private static readonly TestPupil Away = TestPupil.Create(2013, 3, 2, 12, "Bo", "Backe", "7B", boy: true);

    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("calendar");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task No_weekly_digest_goes_in_hostlov_and_its_news_goes_on_the_first_Monday_after()
    {
        using var host = await StartAsync(sendInBreaks: false);
        var nightly = host.Get<NightlyRun>();
        (await nightly.RunAsync(GoLive, dryRun: true)).Digests.Should().Be(1, "the go-live overview");
        (await nightly.RunAsync(GoLive.AddDays(7), dryRun: true)).Digests.Should().Be(0, "nothing new on 19 October");

        foreach (var night in new[] { HostlovMonday, HostlovMonday.AddDays(1), HostlovMonday.AddDays(4) })
        {
            var quiet = await nightly.RunAsync(night, dryRun: true);
            quiet.Digests.Should().Be(0, $"{night:yyyy-MM-dd} is in höstlov");
            quiet.Schools.Single().NextDigest.Should().Be(MondayAfterHostlov);
        }

        var after = await nightly.RunAsync(MondayAfterHostlov, dryRun: true);
        after.Digests.Should().Be(1);
        (await DigestAsync(after.RunId)).TextBody.Should().Contain("Bo B., 7B – Hög frånvaro");
    }

    [Fact]
    public async Task A_school_configured_to_send_in_breaks_gets_its_digest_on_the_Monday_of_hostlov()
    {
        using var host = await StartAsync(sendInBreaks: true);
        var nightly = host.Get<NightlyRun>();
        await nightly.RunAsync(GoLive, dryRun: true);

        var hostlov = await nightly.RunAsync(HostlovMonday, dryRun: true);

        hostlov.Digests.Should().Be(1);
        (await DigestAsync(hostlov.RunId)).TextBody.Should().Contain("Bo B., 7B – Hög frånvaro");
    }

    [Fact]
    public async Task A_pupil_at_hog_franvaro_is_overdue_by_the_calendars_school_days_though_the_exports_stopped()
    {
        // The exports end on Friday 2 October, the night Sara is first at hög frånvaro; nothing arrives after it.
        var lastExport = new DateOnly(2026, 10, 2);
        using var host = await StartAsync(sendInBreaks: false, Days.Where(d => d <= lastExport).ToList());
        await host.Get<NightlyRun>().RunAsync(lastExport, dryRun: true);
        var store = host.Get<SchoolPageStore>();

        async Task<IReadOnlyList<OverduePupil>> OverdueOn(DateOnly date) =>
            (await store.InvestigationsAsync([School.Skolenhetskod], Term.Containing(date), date, 10)).Single().Overdue;

        (await OverdueOn(new DateOnly(2026, 10, 16))).Should().BeEmpty("5–16 October are 10 school days: not more than expected");
        var onThe19th = (await OverdueOn(new DateOnly(2026, 10, 19))).Should().ContainSingle().Subject;
        (onThe19th.FirstName, onThe19th.HighSince, onThe19th.SchoolDays).Should().Be(("Sara", lastExport, 11));
        (await OverdueOn(MondayAfterHostlov)).Single().SchoolDays.Should().Be(16, "15 school days to 23 October, höstlov none, then 2 November");
    }

    [Fact]
    public async Task Exports_that_stopped_at_the_end_of_VT_are_not_stale_over_the_summer_and_are_on_the_third_school_day_of_HT()
    {
        // VT2026 ends Friday 12 June and HT2026 starts Monday 17 August; the school's last export is of 12 June.
        var vt = TestExports.SchoolDays(new DateOnly(2026, 5, 4), 30).Where(d => SchoolCalendar.Default.IsSchoolDay(School.Skolenhetskod, d)).ToList();
        vt[^1].Should().Be(new DateOnly(2026, 6, 12));
        using var host = await StartAsync(sendInBreaks: false, vt, new() { ["Skolnarvaro:Notifications:OpsAddress"] = "analys@exempelstad.example.se" });
        var nightly = host.Get<NightlyRun>();
        await nightly.RunAsync(new DateOnly(2026, 6, 8), dryRun: true);

        foreach (var night in new DateOnly[] { new(2026, 6, 22), new(2026, 8, 10), new(2026, 8, 18) })
        {
            var quiet = await nightly.RunAsync(night, dryRun: true);
            quiet.Schools.Single().Quality!.IsStale.Should().BeFalse($"{night:yyyy-MM-dd} is in the summer or HT's second school day");
            (await OpsReportAsync(quiet.RunId)).Subject.Should().EndWith("inga problem");
        }

        var thirdDay = await nightly.RunAsync(new DateOnly(2026, 8, 19), dryRun: true);
        (thirdDay.Schools.Single().Quality!.SchoolDaysSinceLastExport, thirdDay.Schools.Single().Quality!.IsStale).Should().Be((3, true));
        (await OpsReportAsync(thirdDay.RunId)).TextBody.Should().Contain("Lovskolan (11111111): ingen ny export sedan 12 juni 2026");
    }

    [Fact]
    public async Task A_bad_calendar_entry_in_the_registry_stops_the_start_naming_the_key()
    {
        var start = () => StartAsync(sendInBreaks: false, settings: new() { ["Skolnarvaro:Schools:0:Calendar:Breaks:0:Name"] = "Lovdag",
            ["Skolnarvaro:Schools:0:Calendar:Breaks:0:From"] = "2027-02-22", ["Skolnarvaro:Schools:0:Calendar:Breaks:0:To"] = "22/2" });

        (await start.Should().ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>()).Which.Failures
            .Should().Equal("Skolnarvaro:Schools:0:Calendar:Breaks:0:To = '22/2': expected a date such as 2026-12-18.");
    }

    private async Task<Microsoft.Extensions.Hosting.IHost> StartAsync(
        bool sendInBreaks, IReadOnlyList<DateOnly>? days = null, Dictionary<string, string?>? settings = null)
    {
        days ??= Days;
        TestExports.WriteDays(Path.Combine(temp.Path, "inbox", School.Skolenhetskod, "days.csv"), days,
            (Steady, _ => 90),
            (Away, i => days[i] >= new DateOnly(2026, 10, 19) ? 300 : 0));
        settings ??= [];
        settings["Skolnarvaro:Notifications:Digest:Schedule"] = "Weekly";
        settings["Skolnarvaro:Notifications:Digest:Weekday"] = "Monday";
        settings["Skolnarvaro:Notifications:Digest:SendInBreaks"] = sendInBreaks ? "true" : "false";
        return await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, School), temp.Path, settings);
    }

    private async Task<MimeMessage> OpsReportAsync(long runId) =>
        await MimeMessage.LoadAsync(Path.Combine(temp.Path, "digests", $"ops-run{runId}.eml"));

    private async Task<MimeMessage> DigestAsync(long runId) =>
        await MimeMessage.LoadAsync(Path.Combine(temp.Path, "digests", $"digest-{School.Skolenhetskod}-run{runId}.eml"));
}
