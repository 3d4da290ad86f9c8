using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Skolnarvaro.Calendar;
using Skolnarvaro.Ingestion.DataQuality;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.DataQuality;

/// <summary>
/// How late a school's exports are is counted in the school calendar's school days (Skolnarvaro:Calendar, the default
/// Swedish one here: HT2026 ends Friday 18 December, VT2027 starts Friday 8 January), never in weekdays: jullov makes no
/// export late, and a school whose exports stopped at the end of HT is late once VT has begun.
/// </summary>
public sealed class StaleExportCalendarTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly TestSchool Angs = new("11111111", "Ängsskolan", "rektor@angsskolan.example.se");
    private static readonly TestSchool Friskolan = new("22222222", "Friskolan", "rektor@friskolan.example.se", "Independent");
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("stale-calendar");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task On_28_December_an_export_of_20_November_is_20_school_days_old_not_26_weekdays()
    {
        using var ingestion = Start();
        await LastExportAsync(Angs, new DateOnly(2026, 11, 20));

        var quality = await QualityAsync(ingestion, Angs, new DateOnly(2026, 12, 28));

        quality.SchoolDaysSinceLastExport.Should().Be(20, "23 November to 18 December are four school weeks; jullov is not counted");
        quality.IsStale.Should().BeTrue();
    }

    [Fact]
    public async Task An_export_up_to_the_last_day_of_HT_is_not_stale_in_jullov()
    {
        using var ingestion = Start();
        await LastExportAsync(Angs, new DateOnly(2026, 12, 18));

        foreach (var date in new DateOnly[] { new(2026, 12, 21), new(2026, 12, 28), new(2027, 1, 7) })
        {
            var quality = await QualityAsync(ingestion, Angs, date);
            quality.SchoolDaysSinceLastExport.Should().Be(0, $"{date:yyyy-MM-dd} is in jullov");
            quality.IsStale.Should().BeFalse();
        }
    }

    [Fact]
    public async Task Exports_that_stopped_at_the_end_of_HT_are_stale_on_the_third_school_day_of_VT()
    {
        using var ingestion = Start();
        await LastExportAsync(Angs, new DateOnly(2026, 12, 18));

        var secondDay = await QualityAsync(ingestion, Angs, new DateOnly(2027, 1, 11));
        var thirdDay = await QualityAsync(ingestion, Angs, new DateOnly(2027, 1, 12));

        (secondDay.SchoolDaysSinceLastExport, secondDay.IsStale).Should().Be((2, false), "VT began on Friday 8 January");
        (thirdDay.SchoolDaysSinceLastExport, thirdDay.IsStale).Should().Be((3, true), "Skolnarvaro:StaleAfterSchoolDays is 3");
    }

    [Fact]
    public async Task A_school_whose_own_term_starts_later_counts_from_its_own_first_day()
    {
        // Friskolan's VT2027 starts Monday 11 January (its registry entry's Calendar); its sportlov is week 8.
        using var ingestion = Start(new Dictionary<string, string?>
        {
            ["Skolnarvaro:Schools:1:Calendar:Terms:0:Start"] = "2027-01-11",
            ["Skolnarvaro:Schools:1:Calendar:Terms:0:End"] = "2027-06-11",
            ["Skolnarvaro:Schools:1:Calendar:SportlovWeek"] = "8",
        });
        await LastExportAsync(Angs, new DateOnly(2026, 12, 18));
        await LastExportAsync(Friskolan, new DateOnly(2026, 12, 18));

        var angs = await QualityAsync(ingestion, Angs, new DateOnly(2027, 1, 12));
        var friskolan = await QualityAsync(ingestion, Friskolan, new DateOnly(2027, 1, 12));
        var calendar = ingestion.GetRequiredService<SchoolCalendar>();

        (angs.SchoolDaysSinceLastExport, friskolan.SchoolDaysSinceLastExport).Should().Be((3, 2));
        (angs.IsStale, friskolan.IsStale).Should().Be((true, false));
        calendar.IsSchoolDay(Friskolan.Skolenhetskod, new DateOnly(2027, 2, 22)).Should().BeFalse("Friskolan's sportlov is week 8");
        calendar.IsSchoolDay(Angs.Skolenhetskod, new DateOnly(2027, 2, 22)).Should().BeTrue("the municipality's sportlov is week 9");
    }

    [Fact]
    public void A_bad_calendar_stops_the_start_with_the_key_and_the_value()
    {
        using var ingestion = Start(new Dictionary<string, string?>
        {
            ["Skolnarvaro:Calendar:SportlovWeek"] = "60",
            ["Skolnarvaro:Calendar:Breaks:0:Name"] = "Lovdag",
            ["Skolnarvaro:Calendar:Breaks:0:From"] = "2026-11-31",
            ["Skolnarvaro:Calendar:Breaks:0:To"] = "2026-12-01",
            ["Skolnarvaro:Schools:1:Calendar:Terms:0:Start"] = "2027-01-11",
            ["Skolnarvaro:Schools:1:Calendar:Terms:0:End"] = "2026-06-11",
            ["Skolnarvaro:Schools:0:Calendar:Holidays:0"] = "13-01",
        });

        var start = () => ingestion.GetRequiredService<IOptions<CalendarOptions>>().Value;

        start.Should().Throw<OptionsValidationException>().Which.Failures.Should().BeEquivalentTo(
            "Skolnarvaro:Calendar:SportlovWeek = 60: expected an ISO week number, 1 to 52.",
            "Skolnarvaro:Calendar:Breaks:0:From = '2026-11-31': expected a date such as 2026-08-17.",
            "Skolnarvaro:Schools:0:Calendar:Holidays:0 = '13-01': " + DayRule.Expected + ".",
            "Skolnarvaro:Schools:1:Calendar:Terms:0:End = '2026-06-11': before Start (2027-01-11).");
    }

    private ServiceProvider Start(IReadOnlyDictionary<string, string?>? settings = null) =>
        IngestionHost.Start(db, TestSchools.WriteFile(temp.Path, Angs, Friskolan), settings);

    private static Task<SchoolDataQuality> QualityAsync(ServiceProvider ingestion, TestSchool school, DateOnly asOf) =>
        ingestion.GetRequiredService<DataQualityStore>().ForSchoolAsync(school.Skolenhetskod, asOf, 3, 20);

    private async Task LastExportAsync(TestSchool school, DateOnly periodTo)
    {
        await using var cmd = db.DataSource.CreateCommand("""
            insert into school (skolenhetskod, name, driftsform, huvudman) values (@code, @name, 'Municipal', 'Testkommunen')
            on conflict do nothing;
            insert into import_file (skolenhetskod, file_name, content_sha256, profile, kind, status, imported_at, period_from, period_to)
            values (@code, 'days.csv', sha256(convert_to(@code, 'UTF8')), 'days-default', 'Days', 'Imported', now(), @to - 25, @to);
            """);
        cmd.Parameters.AddWithValue("code", NpgsqlTypes.NpgsqlDbType.Char, school.Skolenhetskod);
        cmd.Parameters.AddWithValue("name", school.Name);
        cmd.Parameters.AddWithValue("to", periodTo);
        await cmd.ExecuteNonQueryAsync();
    }
}
