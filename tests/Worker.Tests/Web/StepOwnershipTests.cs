using System.Net;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>
/// A legal step is recorded by the school's own rektor only: an analyst, who owns no school, posting a step with a
/// valid form token is refused at every school and nothing is recorded.
/// </summary>
[Collection(RektorPageCollection.Name)]
public sealed class StepOwnershipTests(RektorPageFixture fixture)
{
    [Fact]
    public async Task A_step_posted_by_an_analyst_for_a_pupil_of_any_school_is_forbidden_and_records_nothing()
    {
        using var analyst = new PageClient(fixture.BaseUrl);
        var (_, login) = await analyst.GetAsync("/logga-in");
        (await analyst.PostAsync("/logga-in", new Dictionary<string, string>([PageClient.FormToken(login),
            new("epost", RektorPageFixture.AnalystEmail), new("losenord", RektorPageFixture.AnalystPassword)]))).Status
            .Should().Be(HttpStatusCode.SeeOther, "the analyst signs in");
        var before = await StepsAsync();

        var answers = new List<string>();
        foreach (var pupil in await OnePupilPerSchoolAsync())
        {
            var (_, page) = await analyst.GetAsync(pupil);
            var (status, _, _) = await analyst.PostAsync($"{pupil}/steg", new Dictionary<string, string>([PageClient.FormToken(page),
                new("steg", "Started"), new("datum", "2026-11-20"), new("atgard", "spara")]));
            answers.Add($"{(int)status} {pupil}");
        }

        (await StepsAsync()).Should().Be(before, "an analyst owns no school, so no step of theirs is recorded");
        answers.Should().NotBeEmpty().And.OnlyContain(a => a.StartsWith("403 ", StringComparison.Ordinal));
    }

    private async Task<List<string>> OnePupilPerSchoolAsync()
    {
        await using var cmd = fixture.Db.DataSource.CreateCommand("""
            select distinct on (skolenhetskod) skolenhetskod, encode(pupil_key, 'hex') from enrolment order by skolenhetskod, pupil_key
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        var pupils = new List<string>();
        while (await r.ReadAsync())
        {
            pupils.Add($"/skola/{r.GetString(0)}/elev/{r.GetString(1)}");
        }

        return pupils;
    }

    private async Task<long> StepsAsync()
    {
        await using var cmd = fixture.Db.DataSource.CreateCommand("select count(*) from investigation_step");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
