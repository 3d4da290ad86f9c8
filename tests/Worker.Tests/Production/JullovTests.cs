using System.Text.RegularExpressions;
using Skolnarvaro.Calendar;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Tests.Web;
using static Skolnarvaro.Worker.Tests.Production.ProductionClock;

namespace Skolnarvaro.Worker.Tests.Production;

/// <summary>
/// The production lane over jullov, night by night with <c>run-once</c> at 02:06 school time and the default Swedish
/// calendar (HT2026 ends Friday 18 December, VT2027 starts Friday 8 January): one school whose exports end with the
/// term, one whose exports stopped after 3 December.
/// </summary>
[Collection(ProductionLaneCollection.Name)]
public sealed partial class JullovTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime, IDisposable
{
    private const string LinkKey = "production-lane-link-key-0123456789abcdef";
    private static readonly TestSchool School = new("55555555", "Jullovsskolan", "rektor@jullovsskolan.example.se");
    private static readonly TestSchool Stopped = new("66666666", "Tystaskolan", "rektor@tystaskolan.example.se");
    // 30 % of every day: hög frånvaro from the start, reminded every 14 days.
    private static readonly TestPupil Steady = TestPupil.Create(2013, 7, 1, 51, "Sara", "Stadig", "6A");
    // Absent every whole day from Monday 7 December: hög frånvaro on Friday 11 December, news on 14 December.
    private static readonly TestPupil Away = TestPupil.Create(2013, 7, 2, 52, "Bo", "Backe", "6B", boy: true);
    // At Tystaskolan, absent every whole day from Thursday 26 November: hög frånvaro on 2 December, told the night of 3 December.
    private static readonly TestPupil Gone = TestPupil.Create(2013, 7, 3, 53, "Elin", "Ek", "6C");

    // HT2026's school days from 2 November; none come after the term.
    private static readonly IReadOnlyList<DateOnly> ExportDays = TestExports.SchoolDays(new DateOnly(2026, 11, 2), 60)
        .Where(d => d <= new DateOnly(2026, 12, 18) && SchoolCalendar.Default.IsSchoolDay(School.Skolenhetskod, d)).ToList();

    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("jullov");
    private readonly int port = FreePort.Next();
    private LaneNights nights = null!;

    public Task InitializeAsync()
    {
        nights = new LaneNights(db, temp.Path, ExportDays, WithPage());
        return db.ResetAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Over_jullov_no_digest_goes_days_count_by_the_calendar_and_a_school_whose_exports_stay_away_is_told_so()
    {
        var schools = TestSchools.WriteFile(temp.Path, School, Stopped);
        var sara = (Steady, (Func<DateOnly, int>)(_ => 90));
        var bo = (Away, (Func<DateOnly, int>)(d => d >= new DateOnly(2026, 12, 7) ? 300 : 0));
        var elin = (Gone, (Func<DateOnly, int>)(d => d >= new DateOnly(2026, 11, 26) ? 300 : 0));
        nights.WriteExport(Stopped, new DateOnly(2026, 11, 30), elin);
        (await nights.DigestsOnAsync(schools, School, "2026-11-30", sara, bo)).Should().Be(2, "the go-live overviews; Elin is at riskfrånvaro");
        nights.WriteExport(Stopped, new DateOnly(2026, 12, 3), elin);
        (await nights.DigestsOnAsync(schools, School, "2026-12-03", sara, bo)).Should().Be(0, "Thursday: the weekly digest waits for Monday");
        nights.WriteExport(Stopped, new DateOnly(2026, 12, 4), elin); // Tystaskolan's last export, of 3 December
        (await nights.DigestsOnAsync(schools, School, "2026-12-14", sara, bo)).Should().Be(2, "Bo and Elin are new; Sara is reminded");

        // On the Monday of jullov, Elin has been at hög frånvaro since the night of 3 December: 11 school days by the
        // calendar, though Tystaskolan's exports hold none after it. Her rektor opens the page from the digest of 14 December.
        var link = Link().Match((await DigestAsync(Stopped, "2026-12-14")).TextBody!).Value;
        (await nights.DigestsOnAsync(schools, School, "2026-12-21", sara, bo)).Should().Be(0, "21 December is in jullov");
        using (var worker = WorkerProcess.Start(db, schools, temp.Path, settings: At(Stockholm("2026-12-21 08:00"), WithPage()), dashboardPort: port))
        {
            await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));
            using var client = new PageClient($"http://127.0.0.1:{port}");
            var (_, html) = await client.GetAsync(await client.SignInAsync(link));
            Row(html, "Elin").Should().Contain("Väntar på utredning", worker.Output);
        }

        foreach (var monday in new[] { "2026-12-28", "2027-01-04" })
        {
            (await nights.DigestsOnAsync(schools, School, monday, sara, bo)).Should().Be(0, $"{monday} is in jullov, though Sara's reminder is due on 28 December");
            (await StaleAsync(School, monday)).Should().Be((0, false), "no school day has passed since the last export of 18 December");
            (await StaleAsync(Stopped, monday)).Should().Be((11, true), "4–18 December are the school days since Tystaskolan's last export");
        }

        (await nights.DigestsOnAsync(schools, School, "2027-01-11", sara, bo)).Should().Be(1, "Tystaskolan's exports stopped in HT: its rektor is told");
        (await DigestAsync(Stopped, "2027-01-11")).Subject.Should().EndWith("Tystaskolan: ingen ny närvaroexport sedan 3 december 2026");
        (await nights.DigestsOnAsync(schools, School, "2027-01-18", sara, bo)).Should().Be(2, "the exports stopped: each rektor is told though nothing is new");
        var told = await DigestAsync(School, "2027-01-18");
        told.Subject.Should().Be("Tidig varning om frånvaro – Jullovsskolan: ingen ny närvaroexport sedan 18 december 2026");
        told.TextBody.Should().Contain("skolans senaste närvaroexport gäller till och med 18 december 2026")
            .And.Contain("(7 skoldagar före 18 januari 2027)", "8, 11–15 and 18 January are the school days since; jullov is not counted")
            .And.NotContain("inte längre", "the pupils left the levels for want of data, not because they came back");
    }

    private async Task<(int Days, bool Stale)> StaleAsync(TestSchool school, string night)
    {
        await using var cmd = db.DataSource.CreateCommand(
            "select s.school_days_since_export, s.stale from run_school s join run r on r.id = s.run_id where r.as_of = $1::date and s.skolenhetskod = $2");
        cmd.Parameters.AddWithValue(night);
        cmd.Parameters.AddWithValue(school.Skolenhetskod);
        await using var r = await cmd.ExecuteReaderAsync();
        (await r.ReadAsync()).Should().BeTrue();
        return (r.GetInt32(0), r.GetBoolean(1));
    }

    private async Task<MimeKit.MimeMessage> DigestAsync(TestSchool school, string night)
    {
        await using var cmd = db.DataSource.CreateCommand(
            "select o.mime from outbox o join run r on r.id = o.run_id where r.as_of = $1::date and o.skolenhetskod = $2");
        cmd.Parameters.AddWithValue(night);
        cmd.Parameters.AddWithValue(school.Skolenhetskod);
        return MimeKit.MimeMessage.Load(new MemoryStream((byte[])(await cmd.ExecuteScalarAsync())!));
    }

    private Dictionary<string, string> WithPage() => new()
    {
        ["Skolnarvaro__Web__Enabled"] = "true",
        ["Skolnarvaro__Web__PublicUrl"] = $"http://127.0.0.1:{port}",
        ["Skolnarvaro__Web__LinkKey"] = LinkKey,
    };

    private static string Row(string html, string name) =>
        Regex.Matches(html, "<tr[^>]*>.*?</tr>", RegexOptions.Singleline).Select(m => m.Value).Single(r => r.Contains(name, StringComparison.Ordinal));

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/in\?t=[A-Za-z0-9_\-\.]+")]
    private static partial Regex Link();
}
