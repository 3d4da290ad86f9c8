using System.Net;
using System.Text.RegularExpressions;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>
/// On the sample's go-live, a card's "sedan" is when the pupil's absence reached the level, from the facts — not the night the
/// pipeline first ran — and the pupil's page says the same date.
/// </summary>
[Collection(RektorPageCollection.Name)]
public sealed partial class SinceAgreesTests(RektorPageFixture fixture)
{
    [Fact]
    public async Task The_go_live_digest_dates_each_card_from_the_facts_and_the_pupils_page_agrees()
    {
        var digest = fixture.Digests.First(d => d.School == "33726561");
        var cards = Card().Matches(digest.Text).Select(m => (Ref: m.Groups[1].Value, Since: m.Groups[2].Value)).ToList();
        cards.Should().NotBeEmpty();
        cards.Select(c => c.Since).Distinct().Should().HaveCountGreaterThan(1, "pupils reached their levels on different days, not all on the night of go-live");

        using var client = new PageClient(fixture.BaseUrl);
        var list = (await client.GetAsync(await client.SignInAsync(digest.Link))).Html;
        foreach (var card in cards.Take(5))
        {
            var link = PageClient.PupilLinks(list).Single(l => l[^64..].StartsWith(card.Ref, StringComparison.OrdinalIgnoreCase));
            var (status, page) = await client.GetAsync(link);
            status.Should().Be(HttpStatusCode.OK);
            WebUtility.HtmlDecode(PageSince().Match(page).Groups[1].Value).Should().Be(card.Since, $"the page of ref. {card.Ref} agrees with its card");
        }
    }

    [GeneratedRegex(@"Elev \(ref\. ([0-9A-F]{6})\), \S+ – [^\n]+? sedan (\d+ \w+ \d{4}) \(")]
    private static partial Regex Card();

    [GeneratedRegex(@"</span> sedan ([^·<]+?) ·")]
    private static partial Regex PageSince();
}
