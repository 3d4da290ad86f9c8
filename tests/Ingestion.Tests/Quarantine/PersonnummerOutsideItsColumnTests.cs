using System.Text;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Quarantine;

/// <summary>
/// A personnummer is never stored in clear: written in other digits it is masked in quarantine, and found in a name,
/// class or subject the row is quarantined rather than the value stored.
/// </summary>
public sealed class PersonnummerOutsideItsColumnTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("pnr-outside");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    private const string Header = "Personnummer;Förnamn;Efternamn;Klass;Datum;Starttid;Längd (min);Ämne;Status;Frånvaro (min)";
    private const string Good = "20130417-2321;Märta;Östlund;7B;2026-09-18;08:00;60;Svenska;N;0";

    [Theory]
    [InlineData("full-width digits in the personnummer column", "２０１３０５０２-４１１７;Åke;Ärlig;7B;2026-09-18;08:00;60;Svenska;N;0", "Personnummer")]
    [InlineData("Arabic-Indic digits in the personnummer column", "٢٠١٣٠٥٠٢-٤١١٧;Åke;Ärlig;7B;2026-09-18;08:00;60;Svenska;N;0", "Personnummer")]
    [InlineData("a personnummer as the last name", "20130502-4117;Åke;20130502-4117;7B;2026-09-18;08:00;60;Svenska;N;0", "Efternamn")]
    [InlineData("a personnummer in full-width digits as the first name", "20130502-4117;２０１３０５０２４１１７;Ärlig;7B;2026-09-18;08:00;60;Svenska;N;0", "Förnamn")]
    [InlineData("a personnummer as the class", "20130502-4117;Åke;Ärlig;130502-4117;2026-09-18;08:00;60;Svenska;N;0", "Klass")]
    [InlineData("a personnummer as the subject", "20130502-4117;Åke;Ärlig;7B;2026-09-18;08:00;60;Ring 20130502-4117;N;0", "Ämne")]
    public async Task A_personnummer_outside_its_column_or_in_other_digits_is_quarantined_masked_and_stored_nowhere(string what, string row, string column)
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault, maxBadRowShare: 0.6);
        var file = temp.File("export.csv");
        await File.WriteAllTextAsync(file, $"{Header}\n{Good}\n{row}\n", Encoding.UTF8);

        var result = await import.ImportAsync(file);

        result.Status.Should().Be(ImportStatus.Imported, $"{what}: {result.Message}");
        var quarantined = (await import.QuarantinedAsync(result.ImportFileId!.Value)).Should().ContainSingle(what).Subject;
        quarantined.Column.Should().Be(column);
        quarantined.Value.Should().Contain("****", what).And.NotContain("4117");
        (await import.CountAsync("""
            select (select count(*) from pupil where first_name || last_name ~ '[0-9]{6}')
                 + (select count(*) from enrolment where class_name ~ '[0-9]{6}')
                 + (select count(*) from school_subject where name ~ '[0-9]{6}')
                 + (select count(*) from quarantined_row where value ~ '4117' or reason ~ '4117')
                 + (select count(*) from import_file where message ~ '4117')
            """)).Should().Be(0, $"{what}: the personnummer is stored nowhere");
    }
}
