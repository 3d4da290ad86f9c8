using Skolnarvaro.Calendar;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Insights.Reporting;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Insights.Tests.Reporting;

/// <summary>
/// The week chart an analyst forwards: summary exports are counted apart (their totals are spread over lov too), a lov
/// week is named as one, a week with a smaller pupil base is marked, and a table of nothing but zeros says "Inga" once.
/// </summary>
public sealed class TermReportWeeksTests
{
    private static readonly Term Ht2026 = Term.Parse("HT2026");
    private static readonly TermReportHtml Html = new(TestFiles.InRepo("templates"));

    private static WeekMinutes Week(int isoWeek, int pupils, int summaryPupils = 0)
    {
        var monday = System.Globalization.ISOWeek.ToDateTime(2026, isoWeek, DayOfWeek.Monday);
        return new WeekMinutes(2026, isoWeek, DateOnly.FromDateTime(monday), DateOnly.FromDateTime(monday.AddDays(4)), pupils,
            pupils * 1500L, pupils * 100L, pupils * 20L) { SummaryPupils = summaryPupils };
    }

    private static TermReport Report(params WeekMinutes[] weeks) => TermReportBuilder.Build(
        Ht2026, new DateOnly(2026, 11, 20), 5, [], weeks, [], _ => false, SchoolCalendar.Default, 10);

    [Fact]
    public void A_lov_week_is_named_and_a_week_with_fewer_pupils_is_marked_with_the_base_it_had()
    {
        // Höstlov in week 44 (no day or lesson facts anywhere); in week 46 one school's export is missing.
        var report = Report(Week(43, 3000, summaryPupils: 514), Week(45, 3000, 514), Week(46, 2470, 514), Week(47, 3000, 514));
        var html = System.Net.WebUtility.HtmlDecode(Html.Render(report, new DateOnly(2026, 11, 23))).Replace('\u00a0', ' ');

        report.Weeks.Select(w => (w.IsoWeek, w.Lov)).Should().Equal((43, false), (44, true), (45, false), (46, false), (47, false));
        html.Should().Contain(">v. 44 lov<").And.Contain(">v. 46*<").And.Contain("2 470 elever (färre än vanligt, 3 000)");
        html.Should().Contain("Skolor som skickar summerade exporter (514 elever) ingår inte i veckorna");
        html.Should().Contain("lov: ingen skola hade skoldag den veckan.");
    }

    [Fact]
    public void Tables_of_nothing_but_zeros_say_inga_once()
    {
        var html = Html.Render(Report(Week(45, 3000)), new DateOnly(2026, 11, 23));

        html.Should().Contain("<p class=\"none\">Inga.</p>");
    }
}
