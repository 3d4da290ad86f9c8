using Skolnarvaro.TestSupport;
using static Skolnarvaro.Worker.Tests.Production.ProductionClock;

namespace Skolnarvaro.Worker.Tests.Production;

/// <summary>
/// The production lane on a hand-made school, night by night with <c>run-once</c> at 02:06 school time, as the nightly
/// job runs: the weekly digest composed before its send time, on the weeks as they come.
/// </summary>
public sealed class WeeklyDigestTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime, IDisposable
{
    private static readonly TestSchool School = new("22222222", "Måndagsskolan", "rektor@mandagsskolan.example.se");
    private static readonly TestPupil Steady = TestPupil.Create(2013, 5, 1, 21, "Sara", "Stadig", "7A");
    private static readonly TestPupil Late = TestPupil.Create(2013, 5, 2, 22, "Bo", "Backe", "7B", boy: true);
    private static readonly DateOnly Start = new(2026, 11, 2);

    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("weekly");
    private LaneNights nights = null!;

    public Task InitializeAsync()
    {
        nights = new LaneNights(db, temp.Path, TestExports.SchoolDays(Start, 40));
        return db.ResetAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task After_a_Monday_with_no_news_the_next_digest_counts_from_the_last_one_that_was_sent()
    {
        var schools = TestSchools.WriteFile(temp.Path, School);
        // Bo is present until Monday 7 December, then absent all week: new at hög frånvaro on 14 December.
        var bo = (Late, (Func<DateOnly, int>)(d => d >= new DateOnly(2026, 12, 7) ? 300 : 0));
        var sara = (Steady, (Func<DateOnly, int>)(_ => 90));

        (await nights.DigestsOnAsync(schools, School, "2026-11-30", sara, bo)).Should().Be(1, "the go-live overview");
        (await nights.DigestsOnAsync(schools, School, "2026-12-07", sara, bo)).Should().Be(0, "nothing new on the second Monday: no mail");
        (await nights.DigestsOnAsync(schools, School, "2026-12-14", sara, bo)).Should().Be(1);

        var digest = await nights.LatestDigestAsync();
        digest.TextBody.Should().Contain("Bo B.");
        digest.TextBody.Should().Contain("sedan förra sammanfattningen (30 november)", "on 7 December nothing was sent")
            .And.NotContain("sammanfattningen (7 december)");
    }

    [Fact]
    public async Task A_school_that_goes_live_on_a_weekend_gets_its_overview_on_Monday_not_on_Sunday_morning()
    {
        var schools = TestSchools.WriteFile(temp.Path, School);
        var sara = (Steady, (Func<DateOnly, int>)(_ => 90));

        (await nights.DigestsOnAsync(schools, School, "2026-11-28", sara)).Should().Be(0, "Saturday");
        (await nights.DigestsOnAsync(schools, School, "2026-11-29", sara)).Should().Be(0, "Sunday");
        (await nights.DigestsOnAsync(schools, School, "2026-11-30", sara)).Should().Be(1, "the overview on Monday");
        (await nights.LatestDigestAsync()).Subject.Should().Contain("översikt");
    }

    [Fact]
    public async Task A_digest_that_fails_leaves_the_flags_standing_fails_the_run_visibly_and_goes_the_next_night()
    {
        var other = new TestSchool("44444444", "Trasiga skolan", "rektor@trasiga.example.se");
        var schools = TestSchools.WriteFile(temp.Path, School, other);
        nights.WriteExport(other, new DateOnly(2026, 11, 30), (Steady, _ => 90));
        await using (var refuse = db.DataSource.CreateCommand("""
            create function refuse_digest() returns trigger language plpgsql as $$
            begin
                if new.skolenhetskod = '44444444' then raise exception 'the outbox refuses this digest'; end if;
                return new;
            end $$;
            create trigger refuse_digest before insert on outbox for each row execute function refuse_digest();
            """))
        {
            await refuse.ExecuteNonQueryAsync();
        }

        var (exit, output) = await nights.RunAsync(schools, School, "2026-11-30", (Steady, _ => 90));

        exit.Should().Be(1, "a school's digest failed: " + output);
        (await nights.CountAsync("select count(*) from flag where skolenhetskod = '44444444'")).Should().BeGreaterThan(0, "the flags stand");
        (await nights.CountAsync("select count(*) from outbox where skolenhetskod = '22222222'")).Should().Be(1, "the other school's digest is queued");
        var (_, status) = await RunCliAsync(PipelineHost.CliStartInfo(db, schools, temp.Path, "status"), At(Stockholm("2026-11-30 02:30")));
        status.Should().Contain("1/1 of 2").And.Contain("Analysed, digest").And.Contain("digest: P0001")
            .And.Contain("1 held for their send time").And.Contain("0 waiting to retry");

        await using (var mend = db.DataSource.CreateCommand("drop trigger refuse_digest on outbox"))
        {
            await mend.ExecuteNonQueryAsync();
        }

        var (nextExit, next) = await nights.RunAsync(schools, School, "2026-12-01", (Steady, _ => 90));
        nextExit.Should().Be(0, next);
        (await nights.CountAsync("select count(*) from outbox where skolenhetskod = '44444444'")).Should().Be(1, "the digest goes the next night");
    }
}
