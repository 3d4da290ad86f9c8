using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Schools;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.SampleData;

/// <summary>Imports a school of the bundled sample and checks the count against a count made independently of the importer.</summary>
public sealed class SampleSchoolImportTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private const string Ekdalsskolan = "85835001";

    [Fact]
    public async Task Importing_a_sample_school_lands_one_fact_per_valid_pupil_and_day()
    {
        using var host = IngestionHost.Start(db, TestFiles.InRepo("sample-data", "schools.json"));
        var school = host.GetRequiredService<ImportedSchools>().All.Single(s => s.Skolenhetskod == Ekdalsskolan);

        var results = await host.GetRequiredService<InboxImporter>().ImportInboxAsync(school);

        var expected = ExpectedFacts(TestFiles.InRepo("sample-data", "inbox", Ekdalsskolan));
        results.Should().NotBeEmpty().And.OnlyContain(r => r.Status == ImportStatus.Imported);
        await using var cmd = db.DataSource.CreateCommand("select count(*) from attendance_fact where skolenhetskod = @s");
        cmd.Parameters.AddWithValue("s", Ekdalsskolan);
        ((long)(await cmd.ExecuteScalarAsync())!).Should().Be(expected.Facts);
        results.Sum(r => r.RowsProtected).Should().Be(expected.Protected);
        results.Sum(r => r.RowsQuarantined).Should().Be(expected.Bad);
    }

    /// <summary>A deliberately naive reading of a days export: split on ';', check the Luhn digit and the date.</summary>
    private static (long Facts, long Protected, long Bad) ExpectedFacts(string inbox)
    {
        var facts = new HashSet<(string, string)>();
        long protectedRows = 0, bad = 0;
        foreach (var file in Directory.GetFiles(inbox, "*.csv").Where(f => !Path.GetFileName(f).StartsWith("mentorer", StringComparison.Ordinal)))
        {
            foreach (var line in File.ReadLines(file).Skip(1).Where(l => l.Length > 0))
            {
                var f = line.Split(';');
                var digits = new string(f[0].Where(char.IsAsciiDigit).ToArray());
                if (f[0].Length == 0 || f[0] == "SKYDDAD")
                {
                    protectedRows++;
                }
                else if (!LuhnOk(digits.Length == 12 ? digits[2..] : digits)
                         || !DateOnly.TryParseExact(f[3], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                {
                    bad++;
                }
                else if (!facts.Add((digits.Length == 12 ? digits[2..] : digits, f[3])))
                {
                    bad++;
                }
            }
        }

        return (facts.Count, protectedRows, bad);
    }

    private static bool LuhnOk(string ten) =>
        ten.Length == 10 && ten.Select((c, i) => (c - '0') * (i % 2 == 0 ? 2 : 1)).Sum(v => v > 9 ? v - 9 : v) % 10 == 0;
}
