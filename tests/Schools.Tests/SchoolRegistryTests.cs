using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Skolnarvaro.Calendar;

namespace Skolnarvaro.Schools.Tests;

/// <summary>The school registry every stage reads: typed once from configuration, validated once at start with the key named.</summary>
public sealed class SchoolRegistryTests
{
    private static readonly Dictionary<string, string?> Ekbacken = new()
    {
        ["Skolenhetskod"] = "12345678", ["Name"] = "Ekbackens skola", ["Driftsform"] = "Municipal", ["Huvudman"] = "Exempelstads kommun",
        ["Rektorer:0:Name"] = "Åsa Öberg", ["Rektorer:0:Email"] = "asa.oberg@ekbacken.example.se", ["Profile"] = "days-default", ["Inbox"] = "inbox/ekbacken",
    };

    private static readonly Dictionary<string, string?> Bjorko = new()
    {
        ["Skolenhetskod"] = "87654321", ["Name"] = "Björkö friskola", ["Driftsform"] = "independent", ["Huvudman"] = "Björkö Utbildning AB",
        ["Rektorer:0:Name"] = "Per Ek", ["Rektorer:0:Email"] = "per.ek@bjorko.example.se",
        ["Rektorer:1:Name"] = "Eva Ek", ["Rektorer:1:Email"] = "eva.ek@bjorko.example.se",
        ["Elevhalsan:0:Name"] = "Elevhälsan Björkö", ["Elevhalsan:0:Email"] = "eht@bjorko.example.se",
        ["Skolnarvaroteam:0:Name"] = "Björkö Utbildnings närvaroteam", ["Skolnarvaroteam:0:Email"] = "narvaro@bjorko.example.se",
        ["Profile"] = "lessons-default", ["Inbox"] = "inbox/bjorko", ["Calendar:SportlovWeek"] = "8",
    };

    private static IConfiguration Configuration(params Dictionary<string, string?>[] schools) =>
        new ConfigurationBuilder().AddInMemoryCollection(schools.SelectMany((school, i) =>
            school.Select(kv => KeyValuePair.Create($"Skolnarvaro:Schools:{i}:{kv.Key}", kv.Value)))).Build();

    private static Dictionary<string, string?> With(Dictionary<string, string?> school, string key, string? value) =>
        new(school) { [key] = value };

    private static IReadOnlyList<string> Problems(params Dictionary<string, string?>[] schools)
    {
        using var services = new ServiceCollection().AddSchoolRegistry(Configuration(schools)).BuildServiceProvider();
        var read = () => services.GetRequiredService<IOptions<SchoolRegistryOptions>>().Value;
        return read.Should().Throw<OptionsValidationException>().Which.Failures.ToList();
    }

    [Fact]
    public void Every_school_is_read_in_the_registrys_order_with_its_recipients_huvudman_and_own_calendar()
    {
        var registry = SchoolRegistry.Read(Configuration(Ekbacken, Bjorko));

        registry.Select(s => s.Skolenhetskod).Should().Equal("12345678", "87654321");
        var bjorko = registry.Find("87654321")!;
        bjorko.Should().BeSameAs(registry[1]);
        bjorko.Key.Should().Be("Skolnarvaro:Schools:1");
        bjorko.Name.Should().Be("Björkö friskola");
        bjorko.Driftsform.Should().Be(Driftsform.Independent, "the driftsform is read in any case");
        bjorko.Independent.Should().BeTrue();
        bjorko.Huvudman.Should().Be("Björkö Utbildning AB");
        bjorko.Rektorer.Should().Equal(new Recipient("Per Ek", "per.ek@bjorko.example.se"), new Recipient("Eva Ek", "eva.ek@bjorko.example.se"));
        bjorko.Elevhalsan.Should().Equal(new Recipient("Elevhälsan Björkö", "eht@bjorko.example.se"));
        bjorko.Skolnarvaroteam.Should().Equal(new Recipient("Björkö Utbildnings närvaroteam", "narvaro@bjorko.example.se"));
        registry[0].Elevhalsan.Should().BeEmpty("a school without an elevhälsoteam address writes to no one there");
        (bjorko.Profile, bjorko.Inbox).Should().Be(("lessons-default", "inbox/bjorko"));
        bjorko.Calendar!.SportlovWeek.Should().Be(8);
        registry[0].Calendar.Should().BeNull("a school without calendar settings keeps the municipality's");
        registry.Find("11111111").Should().BeNull();
        registry.Driftsforms().Should().BeEquivalentTo(new Dictionary<string, string> { ["12345678"] = "Municipal", ["87654321"] = "Independent" });
    }

    [Fact]
    public void A_valid_registry_passes_the_start_up_validation()
    {
        using var services = new ServiceCollection().AddSchoolRegistry(Configuration(Ekbacken, Bjorko)).BuildServiceProvider();

        services.GetRequiredService<IOptions<SchoolRegistryOptions>>().Value.Schools.Should().HaveCount(2);
        services.GetRequiredService<SchoolRegistry>().Should().HaveCount(2);
    }

    [Theory]
    [InlineData("Skolenhetskod", "1234567", "Skolnarvaro:Schools:0:Skolenhetskod = '1234567': expected 8 digits.")]
    [InlineData("Skolenhetskod", null, "Skolnarvaro:Schools:0:Skolenhetskod = '': expected 8 digits.")]
    [InlineData("Name", " ", "Skolnarvaro:Schools:0:Name is missing.")]
    [InlineData("Driftsform", "Privat", "Skolnarvaro:Schools:0:Driftsform = 'Privat' (Ekbackens skola): expected Municipal (kommunal) or Independent (fristående).")]
    [InlineData("Driftsform", "1", "Skolnarvaro:Schools:0:Driftsform = '1' (Ekbackens skola): expected Municipal (kommunal) or Independent (fristående).")]
    [InlineData("Driftsform", null, "Skolnarvaro:Schools:0:Driftsform = '' (Ekbackens skola): expected Municipal (kommunal) or Independent (fristående).")]
    [InlineData("Rektorer:0:Email", "asa.oberg.ekbacken.example.se",
        "Skolnarvaro:Schools:0:Rektorer:0:Email = 'asa.oberg.ekbacken.example.se' (Ekbackens skola): not an e-mail address.")]
    [InlineData("Elevhalsan:0:Email", "eht@", "Skolnarvaro:Schools:0:Elevhalsan:0:Email = 'eht@' (Ekbackens skola): not an e-mail address.")]
    [InlineData("Skolnarvaroteam:0:Email", "team", "Skolnarvaro:Schools:0:Skolnarvaroteam:0:Email = 'team' (Ekbackens skola): not an e-mail address.")]
    public void A_bad_value_in_an_entry_stops_the_start_naming_the_key_the_value_and_what_was_expected(string key, string? value, string expected) =>
        Problems(With(Ekbacken, key, value)).Should().Equal(expected);

    [Fact]
    public void A_school_without_a_rektor_to_write_to_stops_the_start()
    {
        var school = Ekbacken.Where(kv => !kv.Key.StartsWith("Rektorer", StringComparison.Ordinal)).ToDictionary();

        Problems(school).Should().Equal(
            "Skolnarvaro:Schools:0:Rektorer (Ekbackens skola): no rektor with an e-mail address; the school's digests would reach nobody.");
    }

    [Fact]
    public void A_skolenhetskod_listed_twice_is_named_at_its_second_entry_and_problems_of_several_schools_come_together()
    {
        Problems(Ekbacken, With(Ekbacken, "Name", null), With(Bjorko, "Driftsform", "Friskola")).Should().Equal(
            "Skolnarvaro:Schools:1:Skolenhetskod = '12345678': listed twice.",
            "Skolnarvaro:Schools:1:Name is missing.",
            "Skolnarvaro:Schools:2:Driftsform = 'Friskola' (Björkö friskola): expected Municipal (kommunal) or Independent (fristående).");
    }

    [Fact]
    public void An_invalid_registry_can_still_be_read_so_that_other_stages_validators_do_not_repeat_its_failures()
    {
        using var services = new ServiceCollection().AddSchoolRegistry(Configuration(With(Ekbacken, "Driftsform", "Privat"))).BuildServiceProvider();

        var registry = services.GetRequiredService<SchoolRegistry>();

        registry.Find("12345678")!.Name.Should().Be("Ekbackens skola");
    }

    [Fact]
    public void The_school_calendar_takes_each_schools_own_calendar_from_the_registry()
    {
        using var services = new ServiceCollection().AddSchoolRegistry(Configuration(Ekbacken, Bjorko)).BuildServiceProvider();
        var calendar = services.GetRequiredService<SchoolCalendar>();
        var mondayOfWeek8 = new DateOnly(2027, 2, 22);

        calendar.IsSchoolDay("87654321", mondayOfWeek8).Should().BeFalse("Björkö's sportlov is week 8");
        calendar.IsSchoolDay("12345678", mondayOfWeek8).Should().BeTrue("Ekbacken keeps the municipality's week 9");
    }

    [Fact]
    public void A_school_calendar_setting_that_cannot_be_read_names_the_schools_key()
    {
        var school = With(Bjorko, "Calendar:Holidays:0", "13-01");
        using var services = new ServiceCollection().AddSchoolRegistry(Configuration(Ekbacken, school)).BuildServiceProvider();

        var read = () => services.GetRequiredService<IOptions<CalendarOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle()
            .Which.Should().StartWith("Skolnarvaro:Schools:1:Calendar:Holidays:0 = '13-01'");
    }

    [Fact]
    public void Broken_json_in_the_schools_file_is_one_line_naming_the_file_line_and_position()
    {
        var path = Path.Combine(Path.GetTempPath(), $"schools-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ \"Skolnarvaro\": {\n  \"Schools\": [ { \"Name\": \"Kommaskolan\" \"Driftsform\": \"Municipal\" } ] } }");
        try
        {
            var check = () => SchoolsFile.CheckSyntax(path);

            check.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle()
                .Which.Should().StartWith($"Skolnarvaro:SchoolsFile = '{path}': not valid JSON at line 2, position ").And.NotContain("\n");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
