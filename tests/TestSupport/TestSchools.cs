using System.Text.Json;

namespace Skolnarvaro.TestSupport;

/// <summary>Hand-made schools for tests: a school registry file with an inbox folder per school, and the tests' pseudonymisation key.</summary>
public static class TestSchools
{
    /// <summary>The pseudonymisation key every test host and test process uses (never the demo key).</summary>
    public const string PseudonymisationKey = "test-pseudonymisation-key-0123456789abcdef";

    /// <summary>Writes <c>schools.json</c> in <paramref name="folder"/>, with an inbox folder per school next to it, and returns its path.</summary>
    public static string WriteFile(string folder, params TestSchool[] schools)
    {
        var json = new
        {
            Skolnarvaro = new
            {
                Schools = schools.Select(s => new
                {
                    s.Skolenhetskod,
                    s.Name,
                    s.Driftsform,
                    Huvudman = s.Driftsform == "Independent" ? "Testskolor AB" : "Testkommunen",
                    Rektorer = new[] { new { Name = $"Rektor {s.Name}", Email = s.RektorEmail } },
                    s.Profile,
                    Inbox = $"inbox/{s.Skolenhetskod}",
                }),
            },
        };
        foreach (var s in schools)
        {
            Directory.CreateDirectory(Path.Combine(folder, "inbox", s.Skolenhetskod));
        }

        var path = Path.Combine(folder, "schools.json");
        File.WriteAllText(path, JsonSerializer.Serialize(json));
        return path;
    }
}

public sealed record TestSchool(string Skolenhetskod, string Name, string RektorEmail, string Driftsform = "Municipal", string Profile = "days-default");
