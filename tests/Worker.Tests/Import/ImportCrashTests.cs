using System.Diagnostics;
using System.Text;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests.Import;

/// <summary>A real `skolnarvaro import` process killed mid-file leaves nothing of the file behind.</summary>
public sealed class ImportCrashTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private readonly StringBuilder output = new();

    private static readonly TestSchool School = new("33333333", "Kraschskolan", "rektor@krasch.example.se", Profile: "lessons-default");

    [Fact]
    public async Task An_import_killed_mid_file_leaves_none_of_it_and_importing_again_succeeds()
    {
        using var temp = TestFiles.CreateTempDirectory("crash");
        var schools = PipelineHost.WriteSchoolsFile(temp.Path, School);
        var file = temp.File("lessons_big.csv");
        // A term (65 school days, all before today: later dates are implausible and quarantined) of many pupils.
        var rows = WriteLessons(file, pupils: 6000, days: 65);

        using (var import = StartImport(schools, file, temp.Path))
        {
            // Kill it while it is streaming rows into PostgreSQL, inside its transaction.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!await CopyIsRunningAsync())
            {
                if (import.HasExited)
                {
                    Assert.Fail($"the import ended before it was killed; it printed: {output} {await import.StandardError.ReadToEndAsync()}");
                }

                DateTime.UtcNow.Should().BeBefore(deadline, "the import never started writing");
            }

            import.Kill(entireProcessTree: true);
            await import.WaitForExitAsync();
            output.ToString().Should().NotContain("imported", "the kill must land before the import finished");
        }

        await WaitForBackendsToEndAsync();
        (await CountAsync("select count(*) from attendance_fact")).Should().Be(0);
        (await CountAsync("select count(*) from import_file")).Should().Be(0);
        (await CountAsync("select count(*) from pupil")).Should().Be(0);

        using var again = StartImport(schools, file, temp.Path);
        await again.WaitForExitAsync();
        again.ExitCode.Should().Be(0, await again.StandardError.ReadToEndAsync());
        (await CountAsync("select count(*) from import_file where status = 'Imported'")).Should().Be(1);
        (await CountAsync("select rows_imported from import_file")).Should().Be(rows);
        (await CountAsync("select count(*) from attendance_fact")).Should().Be(6000 * 65);
    }

    private Process StartImport(string schoolsFile, string file, string home)
    {
        var start = PipelineHost.CliStartInfo(db, schoolsFile, home, "import", "--school", School.Skolenhetskod, file);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        return process;
    }

    /// <summary>A lessons export of many pupils over <paramref name="days"/> school days from 17 August 2026; returns its rows.</summary>
    internal static long WriteLessons(string path, int pupils, int days)
    {
        var schoolDays = TestExports.SchoolDays(new DateOnly(2026, 8, 17), days);
        long rows = 0;
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        w.Write("Personnummer;Förnamn;Efternamn;Klass;Datum;Starttid;Längd (min);Ämne;Status;Frånvaro (min)\n");
        for (var p = 0; p < pupils; p++)
        {
            var pupil = TestPupil.Create(2012 + p % 5, 1 + p / 100 % 12, 1 + p / 1200 % 28, p % 100, "Åke", "Öberg", "7A", boy: p % 2 == 0);
            foreach (var day in schoolDays)
            {
                for (var lesson = 0; lesson < 6; lesson++)
                {
                    w.Write($"{pupil.Personnummer};Åke;Öberg;7A;{day:yyyy-MM-dd};{8 + lesson:00}:00;50;Svenska;{(lesson == 3 ? "G" : "N")};{(lesson == 3 ? 50 : 0)}\n");
                    rows++;
                }
            }
        }

        return rows;
    }

    private async Task<bool> CopyIsRunningAsync()
    {
        await using var cmd = db.DataSource.CreateCommand("""
            select count(*) from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and state = 'active'
              and (query like 'copy attendance_fact%' or query like 'copy stage_fact%')
            """);
        return (long)(await cmd.ExecuteScalarAsync())! > 0;
    }

    private async Task WaitForBackendsToEndAsync()
    {
        // The killed client's server process notices the broken connection and rolls its transaction back.
        for (var i = 0; i < 200 && await CountAsync("select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'") > 0; i++)
        {
            await Task.Delay(50);
        }
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
