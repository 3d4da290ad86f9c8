using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Schools;
using Skolnarvaro.Web;
using Skolnarvaro.Worker.Tests.Orchestration;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>The school's other groups on the served page: elevhälsan in the served registry, the roster's mentors, their links.</summary>
public sealed partial class RektorPageFixture
{
    public const string Bjorkskolan = "33726561";
    public const string Ekdalsskolan = "85835001";
    public const string BjorkskolanElevhalsan = "elin.kurator@bjorkskolan.example.se";
    public const string EkdalsskolanElevhalsan = "omar.skolskoterska@ekdalsskolan.example.se";

    /// <summary>
    /// The served registry's elevhälsoteam at Björkskolan and Ekdalsskolan (the schools' first two entries). Only the served worker
    /// has them: the nightly run's digests stay as the sample's registry makes them.
    /// </summary>
    private static Dictionary<string, string> ElevhalsanSettings() => new()
    {
        ["Skolnarvaro__Schools__0__Elevhalsan__0__Name"] = "Elin Kurator",
        ["Skolnarvaro__Schools__0__Elevhalsan__0__Email"] = BjorkskolanElevhalsan,
        ["Skolnarvaro__Schools__1__Elevhalsan__0__Name"] = "Omar Skolsköterska",
        ["Skolnarvaro__Schools__1__Elevhalsan__0__Email"] = EkdalsskolanElevhalsan,
    };

    private Dictionary<string, string> ServedSettings() => Settings().Concat(ElevhalsanSettings()).ToDictionary();

    /// <summary>A group's personal link to the served page, signed as the worker signs it (its key and the served registry).</summary>
    public string LinkFor(string school, RecipientGroup group, string email)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(OrchestrationHarness.SampleSchools)
            .AddInMemoryCollection(ElevhalsanSettings().Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)))
            .Build();
        var options = Options.Create(new WebOptions { PublicUrl = BaseUrl, LinkKey = LinkKey });
        var link = new SignInLinks(options, new WebUsers(SchoolRegistry.Read(configuration), options), TimeProvider.System).ForRecipient(school, group, email);
        link.Should().NotBeNull($"{email} is in the {group} of {school}");
        return link!.Url;
    }

    /// <summary>A link signed with the worker's key for any address and group, whether or not the registry or roster gives it the place.</summary>
    public string SignedLinkFor(string school, RecipientGroup group, string email)
    {
        var options = Options.Create(new WebOptions { PublicUrl = BaseUrl, LinkKey = LinkKey });
        var links = new SignInLinks(options, new WebUsers(new SchoolRegistry(Array.Empty<School>()), options), TimeProvider.System);
        return $"{BaseUrl}{SignInLinks.Path}?t={links.Token(email, [school], DateTimeOffset.UtcNow.AddDays(1), group)}";
    }

    /// <summary>The classes of the school's pupils with each class's mentors in force now, by the roster's own table.</summary>
    public async Task<IReadOnlyList<(string Class, string Email)>> MentorsAsync(string school)
    {
        await using var cmd = Db.DataSource.CreateCommand(
            "select class_name, email from class_mentor where skolenhetskod = @s and valid_until is null order by 1, 2");
        cmd.Parameters.AddWithValue("s", school);
        var rows = new List<(string, string)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            rows.Add((r.GetString(0), r.GetString(1)));
        }

        return rows;
    }

    /// <summary>
    /// The pupils of the classes at the school at a level after the latest run (a current flag and an open level episode), by the
    /// hex of their key: what a mentor of those classes is to see, counted straight from the tables.
    /// </summary>
    public async Task<HashSet<string>> AtALevelAsync(string school, IReadOnlyCollection<string> classes)
    {
        await using var cmd = Db.DataSource.CreateCommand("""
            select encode(f.pupil_key, 'hex') from flag f
            join enrolment e on e.pupil_key = f.pupil_key and e.skolenhetskod = f.skolenhetskod
            where f.skolenhetskod = @s and f.run_id = (select max(run_id) from flag where skolenhetskod = @s)
              and e.class_name = any(@classes)
              and exists (select 1 from level_episode ep where ep.skolenhetskod = f.skolenhetskod and ep.pupil_key = f.pupil_key and ep.left_on is null)
            """);
        cmd.Parameters.AddWithValue("s", school);
        cmd.Parameters.AddWithValue("classes", classes.ToArray());
        var keys = new HashSet<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            keys.Add(r.GetString(0));
        }

        return keys;
    }

    /// <summary>The school's enrolled pupils by class, by the hex of their key.</summary>
    public async Task<Dictionary<string, HashSet<string>>> ClassesAsync(string school)
    {
        await using var cmd = Db.DataSource.CreateCommand("select class_name, encode(pupil_key, 'hex') from enrolment where skolenhetskod = @s");
        cmd.Parameters.AddWithValue("s", school);
        var result = new Dictionary<string, HashSet<string>>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            (result.TryGetValue(r.GetString(0), out var set) ? set : result[r.GetString(0)] = []).Add(r.GetString(1));
        }

        return result;
    }
}
