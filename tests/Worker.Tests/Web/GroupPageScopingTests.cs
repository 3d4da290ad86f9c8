using System.Net;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Skolnarvaro.Schools;
using Skolnarvaro.TestSupport;
using static Skolnarvaro.Worker.Tests.Web.RektorPageFixture;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>
/// A mentor's and elevhälsan's links against the served worker, each cross-access as a real request: a mentor sees their
/// classes' pupils and no other class's, elevhälsan the school's; neither another school's pupil nor a step to record; a group
/// changed in a link, a link of one group for another's address, or a mentor the roster has replaced opens nothing.
/// </summary>
[Collection(RektorPageCollection.Name)]
public sealed class GroupPageScopingTests(RektorPageFixture fixture)
{
    // Mentor of two classes at Ekdalsskolan in the sample's roster.
    private const string Mentor = "alexander.nystrom@ekdalsskolan.example.se";
    private static readonly string[] MentorClasses = ["5A", "5B"];

    [Fact]
    public async Task A_mentor_sees_the_pupils_of_their_classes_and_no_pupil_of_another_class_at_the_school()
    {
        (await fixture.MentorsAsync(Ekdalsskolan)).Where(m => m.Email == Mentor).Select(m => m.Class).Should().Equal(MentorClasses);
        using var mentor = new PageClient(fixture.BaseUrl);
        var landing = await mentor.SignInAsync(fixture.LinkFor(Ekdalsskolan, RecipientGroup.Mentor, Mentor));
        landing.Should().Be($"/skola/{Ekdalsskolan}");

        var (status, list) = await mentor.GetAsync(landing);
        status.Should().Be(HttpStatusCode.OK);
        list.Should().Contain("<h1>Mentor för 5A och 5B, Ekdalsskolan</h1>").And.NotContain("<th>Utredning</th>");
        var expected = await fixture.AtALevelAsync(Ekdalsskolan, MentorClasses);
        expected.Should().NotBeEmpty("the sample has pupils at a level in 5A and 5B");
        PageClient.PupilLinks(list).Select(l => l[^64..]).Should().BeEquivalentTo(expected);

        var classes = await fixture.ClassesAsync(Ekdalsskolan);
        var others = classes.Where(c => !MentorClasses.Contains(c.Key)).SelectMany(c => c.Value).ToList();
        var atALevelElsewhere = await fixture.AtALevelAsync(Ekdalsskolan, [.. classes.Keys.Except(MentorClasses)]);
        using var eht = new PageClient(fixture.BaseUrl);
        await eht.SignInAsync(fixture.LinkFor(Ekdalsskolan, RecipientGroup.Elevhalsan, EkdalsskolanElevhalsan));
        foreach (var pupil in atALevelElsewhere.Take(10).Concat(others.Take(10)))
        {
            (await mentor.GetAsync($"/skola/{Ekdalsskolan}/elev/{pupil}")).Status.Should().Be(HttpStatusCode.NotFound, "another class's pupil");
            (await eht.GetAsync($"/skola/{Ekdalsskolan}/elev/{pupil}")).Status.Should().Be(HttpStatusCode.OK, "the pupil is at the school");
        }

        var (_, filtered) = await mentor.GetAsync($"{landing}?klass=6A");
        PageClient.PupilLinks(filtered).Should().BeEmpty("a class filter cannot widen the mentor's classes");
        var (own, page) = await mentor.GetAsync($"/skola/{Ekdalsskolan}/elev/{expected.First()}");
        own.Should().Be(HttpStatusCode.OK);
        page.Should().Contain("Mentor för 5A och 5B, Ekdalsskolan</a> › elev").And.NotContain("Utredningens steg").And.NotContain("name=\"steg\"");
    }

    [Fact]
    public async Task Elevhalsan_sees_the_schools_pupils_with_their_steps_to_read()
    {
        using var eht = new PageClient(fixture.BaseUrl);
        var landing = await eht.SignInAsync(fixture.LinkFor(Bjorkskolan, RecipientGroup.Elevhalsan, BjorkskolanElevhalsan));

        var (status, list) = await eht.GetAsync(landing);
        status.Should().Be(HttpStatusCode.OK);
        list.Should().Contain("<h1>Elevhälsan, Björkskolan</h1>").And.Contain("<th>Utredning</th>");
        var classes = await fixture.ClassesAsync(Bjorkskolan);
        PageClient.PupilLinks(list).Select(l => l[^64..]).Should().BeEquivalentTo(await fixture.AtALevelAsync(Bjorkskolan, classes.Keys));
        var (_, page) = await eht.GetAsync(PageClient.PupilLinks(list)[0]);
        page.Should().Contain("Utredningens steg").And.Contain("Stegen registreras av skolans rektor.").And.NotContain("value=\"spara\"");
    }

    [Fact]
    public async Task Neither_a_mentor_nor_elevhalsan_reaches_another_schools_list_or_pupil()
    {
        var enrolled = await fixture.EnrolledAsync();
        foreach (var (school, group, email) in new[]
        {
            (Ekdalsskolan, RecipientGroup.Mentor, Mentor),
            (Bjorkskolan, RecipientGroup.Elevhalsan, BjorkskolanElevhalsan),
        })
        {
            using var client = new PageClient(fixture.BaseUrl);
            await client.SignInAsync(fixture.LinkFor(school, group, email));
            foreach (var (other, pupils) in enrolled.Where(e => e.Key != school))
            {
                (await client.GetAsync($"/skola/{other}")).Status.Should().Be(HttpStatusCode.Forbidden, $"{group} of {school} at {other}");
                (await client.GetAsync($"/skola/{other}/elev/{pupils.First()}")).Status.Should().Be(HttpStatusCode.Forbidden);
                (await client.GetAsync($"/skola/{school}/elev/{pupils.First()}")).Status.Should().Be(HttpStatusCode.NotFound, "not a pupil of the school");
            }

            (await client.GetAsync("/huvudman")).Status.Should().Be(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task Neither_a_mentors_nor_elevhalsans_session_can_record_a_step()
    {
        var steps = await fixture.StepsAsync();
        var mentorsPupil = (await fixture.AtALevelAsync(Ekdalsskolan, MentorClasses)).First();
        var ehtsPupil = (await fixture.AtALevelAsync(Bjorkskolan, [.. (await fixture.ClassesAsync(Bjorkskolan)).Keys])).First();
        foreach (var (school, group, email, pupil) in new[]
        {
            (Ekdalsskolan, RecipientGroup.Mentor, Mentor, mentorsPupil),
            (Bjorkskolan, RecipientGroup.Elevhalsan, BjorkskolanElevhalsan, ehtsPupil),
        })
        {
            using var client = new PageClient(fixture.BaseUrl);
            await client.SignInAsync(fixture.LinkFor(school, group, email));
            var (_, page) = await client.GetAsync($"/skola/{school}/elev/{pupil}");
            foreach (var action in new[] { "spara", "ta-bort" })
            {
                var (status, html, _) = await client.PostAsync($"/skola/{school}/elev/{pupil}/steg", new Dictionary<string, string>(
                    [PageClient.FormToken(page), new("steg", "Started"), new("datum", "2026-11-20"), new("atgard", action), new("bekraftat", "ja")]));
                status.Should().Be(HttpStatusCode.Forbidden, $"{group} posting {action}");
                html.Should().Contain("registreras av skolans rektor");
            }
        }

        (await fixture.StepsAsync()).Should().Be(steps, "the legal steps are the rektor's to record");
    }

    [Fact]
    public async Task A_link_whose_group_was_changed_is_refused_as_tampered_and_one_groups_link_for_another_groups_address_opens_nothing()
    {
        using var client = new PageClient(fixture.BaseUrl).From("10.25.0.1");
        var link = fixture.LinkFor(Ekdalsskolan, RecipientGroup.Mentor, Mentor);
        var token = link[(link.IndexOf("t=", StringComparison.Ordinal) + 2)..];
        var payload = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(token.Split('.')[0]));
        foreach (var group in new[] { "Elevhalsan", "Rektor", "Skolnarvaroteam" })
        {
            var forged = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(payload.Replace("\nMentor", $"\n{group}", StringComparison.Ordinal)));
            var (status, html) = await client.GetAsync($"/in?t={forged}.{token.Split('.')[1]}");
            status.Should().Be(HttpStatusCode.BadRequest, $"Mentor changed to {group}");
            html.Should().Contain("Länken är ogiltig");
        }

        // Signed by the worker's key, but for a group the address is not in: the roster or registry decides, not the link.
        foreach (var (group, email) in new[]
        {
            (RecipientGroup.Elevhalsan, Mentor),
            (RecipientGroup.Mentor, EkdalsskolanElevhalsan),
            (RecipientGroup.Elevhalsan, BjorkskolanElevhalsan),
            (RecipientGroup.Rektor, Mentor),
        })
        {
            var (status, html) = await client.GetAsync(fixture.SignedLinkFor(Ekdalsskolan, group, email));
            status.Should().Be(HttpStatusCode.Forbidden, $"{email} as {group} of Ekdalsskolan");
            html.Should().Contain("Länken gäller inte längre");
        }
    }

    [Fact]
    public async Task A_mentor_the_roster_replaces_loses_the_page_at_once_with_their_link_and_their_open_session()
    {
        const string replaced = "per.larsson@bjorkskolan.example.se"; // 3A at Björkskolan
        var link = fixture.LinkFor(Bjorkskolan, RecipientGroup.Mentor, replaced);
        using var session = new PageClient(fixture.BaseUrl);
        var landing = await session.SignInAsync(link);
        (await session.GetAsync(landing)).Html.Should().Contain("Mentor för 3A, Björkskolan");

        var sample = File.ReadAllLines(TestFiles.InRepo("sample-data", "inbox", Bjorkskolan, "mentorer.csv"));
        var roster = sample.Where(l => !l.Contains(replaced, StringComparison.Ordinal)).ToList();
        roster.Should().HaveCount(sample.Length - 1, "the roster in force without the one mentor; everyone else stays");
        var file = Path.Combine(Directory.CreateDirectory(Path.Combine(fixture.Temp.Path, "new-roster")).FullName, "mentorer.csv");
        await File.WriteAllLinesAsync(file, roster, new UTF8Encoding(true));
        var (exit, log) = await fixture.CliAsync("import", "--school", Bjorkskolan, file);
        exit.Should().Be(0, log);

        var (status, html) = await session.GetAsync(landing);
        status.Should().Be(HttpStatusCode.Forbidden, "the open session's mentor is no longer in the roster in force");
        html.Should().Contain("inte längre mentor").And.NotContain("/elev/");
        using var again = new PageClient(fixture.BaseUrl);
        var (refused, page) = await again.GetAsync(link[link.IndexOf("/in?", StringComparison.Ordinal)..]);
        refused.Should().Be(HttpStatusCode.Forbidden, "the link is valid, its address is no longer a mentor");
        page.Should().Contain("inte längre mentor");
    }
}
