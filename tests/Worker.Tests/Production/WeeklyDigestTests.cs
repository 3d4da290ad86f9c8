using System.Globalization;
using MimeKit;
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

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task After_a_Monday_with_no_news_the_next_digest_counts_from_the_last_one_that_was_sent()
    {
        var schools = TestSchools.WriteFile(temp.Path, School);
        // Bo is present until Monday 7 December, then absent all week: new at hög frånvaro on 14 December.
        var bo = (Late, (Func<DateOnly, int>)(d => d >= new DateOnly(2026, 12, 7) ? 300 : 0));
        var sara = (Steady, (Func<DateOnly, int>)(_ => 90));

        (await NightAsync(schools, "2026-11-30", sara, bo)).Should().Be(1, "the go-live overview");
        (await NightAsync(schools, "2026-12-07", sara, bo)).Should().Be(0, "nothing new on the second Monday: no mail");
        (await NightAsync(schools, "2026-12-14", sara, bo)).Should().Be(1);

        var digest = await LatestDigestAsync();
        digest.TextBody.Should().Contain("Bo B.");
        digest.TextBody.Should().Contain("sedan förra sammanfattningen (30 november)", "on 7 December nothing was sent")
            .And.NotContain("sammanfattningen (7 december)");
    }

    [Fact]
    public async Task A_school_that_goes_live_on_a_weekend_gets_its_overview_on_Monday_not_on_Sunday_morning()
    {
        var schools = TestSchools.WriteFile(temp.Path, School);
        var sara = (Steady, (Func<DateOnly, int>)(_ => 90));

        (await NightAsync(schools, "2026-11-28", sara)).Should().Be(0, "Saturday");
        (await NightAsync(schools, "2026-11-29", sara)).Should().Be(0, "Sunday");
        (await NightAsync(schools, "2026-11-30", sara)).Should().Be(1, "the overview on Monday");
        (await LatestDigestAsync()).Subject.Should().Contain("översikt");
    }

    [Fact]
    public async Task A_digest_that_fails_leaves_the_flags_standing_fails_the_run_visibly_and_goes_the_next_night()
    {
        var other = new TestSchool("44444444", "Trasiga skolan", "rektor@trasiga.example.se");
        var schools = TestSchools.WriteFile(temp.Path, School, other);
        WriteWeek(other, new DateOnly(2026, 11, 30), (Steady, _ => 90));
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

        var (exit, output) = await NightCliAsync(schools, "2026-11-30", (Steady, _ => 90));

        exit.Should().Be(1, "a school's digest failed: " + output);
        (await CountAsync("select count(*) from flag where skolenhetskod = '44444444'")).Should().BeGreaterThan(0, "the flags stand");
        (await CountAsync("select count(*) from outbox where skolenhetskod = '22222222'")).Should().Be(1, "the other school's digest is queued");
        var (_, status) = await RunCliAsync(PipelineHost.CliStartInfo(db, schools, temp.Path, "status"), At(Stockholm("2026-11-30 02:30")));
        status.Should().Contain("1/1 of 2").And.Contain("Analysed, digest").And.Contain("digest: P0001")
            .And.Contain("1 held for their send time").And.Contain("0 waiting to retry");

        await using (var mend = db.DataSource.CreateCommand("drop trigger refuse_digest on outbox"))
        {
            await mend.ExecuteNonQueryAsync();
        }

        var (nextExit, next) = await NightCliAsync(schools, "2026-12-01", (Steady, _ => 90));
        nextExit.Should().Be(0, next);
        (await CountAsync("select count(*) from outbox where skolenhetskod = '44444444'")).Should().Be(1, "the digest goes the next night");
    }

    /// <summary>One night at 02:06 on <paramref name="monday"/>: the week's export up to the Friday before, then run-once. Returns the digests queued.</summary>
    private async Task<long> NightAsync(string schools, string monday, params (TestPupil Pupil, Func<DateOnly, int> Absent)[] pupils)
    {
        var before = await CountAsync("select count(*) from outbox where skolenhetskod is not null");

        var (exit, output) = await NightCliAsync(schools, monday, pupils);

        exit.Should().Be(0, output);
        output.Should().Contain($"as of {monday}");
        output.Should().NotMatchRegex(@"\d\d/\d\d/\d{4}", "dates in the log are ISO dates");
        return await CountAsync("select count(*) from outbox where skolenhetskod is not null") - before;
    }

    private async Task<(int ExitCode, string Output)> NightCliAsync(string schools, string date, params (TestPupil Pupil, Func<DateOnly, int> Absent)[] pupils)
    {
        WriteWeek(School, DateOnly.Parse(date, CultureInfo.InvariantCulture), pupils);
        return await RunCliAsync(PipelineHost.CliStartInfo(db, schools, temp.Path, "run-once"), At(Stockholm($"{date} 02:06")));
    }

    /// <summary>The school's export of every school day before <paramref name="night"/>, as a file of its own.</summary>
    private void WriteWeek(TestSchool school, DateOnly night, params (TestPupil Pupil, Func<DateOnly, int> Absent)[] pupils)
    {
        var days = TestExports.SchoolDays(Start, 40).Where(d => d < night).ToList();
        TestExports.WriteDays(Path.Combine(temp.Path, "inbox", school.Skolenhetskod, $"days-{night:yyyyMMdd}.csv"), days,
            pupils.Select(p => (p.Pupil, (Func<int, int>)(i => p.Absent(days[i])))).ToArray());
    }

    private Task<long> CountAsync(string sql) => Orchestration.OrchestrationHarness.CountAsync(db.DataSource, sql);

    private async Task<MimeMessage> LatestDigestAsync()
    {
        await using var cmd = db.DataSource.CreateCommand("select mime from outbox where skolenhetskod is not null order by id desc limit 1");
        return MimeMessage.Load(new MemoryStream((byte[])(await cmd.ExecuteScalarAsync())!));
    }
}
