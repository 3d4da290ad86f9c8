using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Skolnarvaro.Schools;
using Skolnarvaro.Web;

namespace Skolnarvaro.Web.Tests;

/// <summary>
/// Who a fristående huvudman's person is and what they may see, from a school registry and accounts in configuration: the
/// registry decides, on every request, which schools are that huvudman's.
/// </summary>
public sealed class HuvudmanAccountTests
{
    private const string Kommun = "Exempelstads kommun";
    private const string Bjorko = "Björkö Utbildning AB";
    private const string Lindo = "Lindö Montessori AB";

    /// <summary>A kommunal school, two fristående schools of one huvudman and one of another; Per Ek is rektor at Björkö and its huvudman's person.</summary>
    private static readonly (string Code, string Name, string Driftsform, string Huvudman, string Rektor)[] Registry =
    [
        ("11111111", "Ekbackens skola", "Municipal", Kommun, "asa.oberg@ekbacken.example.se"),
        ("22222222", "Björkö friskola", "Independent", Bjorko, "per.ek@bjorko.example.se"),
        ("33333333", "Björkviks skola", "Independent", Bjorko, "ola.vik@bjorkvik.example.se"),
        ("44444444", "Lindö montessoriskola", "Independent", Lindo, "eva.lind@lindo.example.se"),
    ];

    private static WebUsers Users(params HuvudmanAccount[] accounts) =>
        new(SchoolRegistry.Read(Configuration()), Options.Create(new WebOptions
        {
            Analysts = [new AnalystAccount { Email = "analys@exempelstad.example.se", Password = "analys-lösenord" }],
            HuvudmanAccounts = [.. accounts],
        }));

    private static IConfiguration Configuration()
    {
        var values = new Dictionary<string, string?>();
        for (var i = 0; i < Registry.Length; i++)
        {
            var (code, name, driftsform, huvudman, rektor) = Registry[i];
            values[$"Skolnarvaro:Schools:{i}:Skolenhetskod"] = code;
            values[$"Skolnarvaro:Schools:{i}:Name"] = name;
            values[$"Skolnarvaro:Schools:{i}:Driftsform"] = driftsform;
            values[$"Skolnarvaro:Schools:{i}:Huvudman"] = huvudman;
            values[$"Skolnarvaro:Schools:{i}:Rektorer:0:Email"] = rektor;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private static HuvudmanAccount Account(string huvudman, string email, string? password = "hemligt") =>
        new() { Huvudman = huvudman, Email = email, Name = "Huvudmannens person", Password = password };

    [Fact]
    public void A_huvudmans_person_sees_the_fristaende_schools_of_their_own_huvudman_and_no_other_school()
    {
        var users = Users(Account(Bjorko, "karin@bjorko-utbildning.example.se"), Account(Lindo, "leo@lindo.example.se"));

        var karin = users.PrincipalFor("Karin@Bjorko-Utbildning.example.se", "test")!;
        var leo = users.PrincipalFor("leo@lindo.example.se", "test")!;

        users.HuvudmanOf(karin).Should().Be(Bjorko);
        users.Allowed(karin).Should().BeEquivalentTo(["22222222", "33333333"]);
        users.Allowed(leo).Should().Equal("44444444");
        users.MayRecordSteps(karin, "22222222").Should().BeFalse("the steps are the rektor's duty, the huvudman receives the report");
        users.RektorSchools(karin).Should().BeEmpty();
    }

    [Fact]
    public void A_session_opened_for_a_huvudman_sees_nothing_once_the_account_is_removed_or_names_another_huvudman()
    {
        var session = Users(Account(Bjorko, "karin@bjorko-utbildning.example.se")).PrincipalFor("karin@bjorko-utbildning.example.se", "test")!;

        Users().Allowed(session).Should().BeEmpty("the account is gone");
        var moved = Users(Account(Lindo, "karin@bjorko-utbildning.example.se"));
        moved.HuvudmanOf(session).Should().BeNull();
        moved.Allowed(session).Should().BeEmpty("the session was opened for Björkö Utbildning AB, which the account no longer names");
    }

    [Fact]
    public void An_account_naming_the_municipality_as_huvudman_opens_no_kommunal_school()
    {
        // The start-up check refuses such an account; should one slip through, the kommunal schools stay closed to it.
        var users = Users(Account(Kommun, "annan@example.se"));

        var session = users.PrincipalFor("annan@example.se", "test")!;

        users.Allowed(session).Should().BeEmpty("only fristående schools are a huvudman account's, whatever the account names");
    }

    [Fact]
    public void A_rektor_who_is_also_their_huvudmans_person_sees_the_huvudmans_schools_and_records_steps_only_where_rektor()
    {
        var users = Users(Account(Bjorko, "per.ek@bjorko.example.se"));

        var per = users.PrincipalFor("per.ek@bjorko.example.se", "test")!;

        users.Allowed(per).Should().BeEquivalentTo(["22222222", "33333333"]);
        users.MayRecordSteps(per, "22222222").Should().BeTrue();
        users.MayRecordSteps(per, "33333333").Should().BeFalse("Per is rektor at Björkö friskola, not at Björkviks skola");
    }

    [Fact]
    public void Passwords_open_analysts_and_huvudman_accounts_and_never_a_rektor()
    {
        var users = Users(Account(Bjorko, "karin@bjorko-utbildning.example.se"));

        users.Password("karin@bjorko-utbildning.example.se").Should().Be("hemligt");
        users.Password("analys@exempelstad.example.se").Should().Be("analys-lösenord");
        users.Password("asa.oberg@ekbacken.example.se").Should().BeNull();
    }

    [Fact]
    public void Huvudman_accounts_the_registry_cannot_place_stop_the_start_with_the_key_named()
    {
        var schools = WebUsers.ReadSchools(SchoolRegistry.Read(Configuration()));
        var options = new WebOptions
        {
            Analysts = [new AnalystAccount { Email = "analys@exempelstad.example.se" }],
            HuvudmanAccounts =
            [
                Account(Bjorko, "karin@bjorko-utbildning.example.se"),
                Account("Björkö Utbildning", "stavfel@example.se"),
                Account(Kommun, "kommunen@example.se"),
                Account(Lindo, "ANALYS@exempelstad.example.se"),
                Account(Lindo, "ingen-adress"),
            ],
        };

        WebUsers.RegistryProblems(options, schools).Should().Equal(
            "Skolnarvaro:Web:HuvudmanAccounts:1:Huvudman = 'Björkö Utbildning': no fristående school in Skolnarvaro:Schools has this huvudman; " +
            "expected one of: Björkö Utbildning AB, Lindö Montessori AB.",
            "Skolnarvaro:Web:HuvudmanAccounts:2:Huvudman = 'Exempelstads kommun': the huvudman of kommunal schools; " +
            "the municipality's people sign in as Skolnarvaro:Web:Analysts.");
        options.Validate().Should().Equal(
            "Skolnarvaro:Web:HuvudmanAccounts:3:Email = 'ANALYS@exempelstad.example.se' is also one of Skolnarvaro:Web:Analysts: " +
            "an address is the municipality's or a huvudman's, not both.",
            "Skolnarvaro:Web:HuvudmanAccounts:4:Email = 'ingen-adress': expected an e-mail address.");
    }
}
