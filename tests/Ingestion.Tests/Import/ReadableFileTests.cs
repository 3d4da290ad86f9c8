using System.Diagnostics;
using System.Text;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Import;

/// <summary>
/// Only regular files inside the inbox are read, up to a size and a time cap; nothing hangs, and nothing of a file's
/// content is shown beyond a short masked excerpt.
/// </summary>
public sealed class ReadableFileTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(20);
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("readable");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    private static string Days() => ImportHarness.Data("hostile", "days_week.csv");

    private static async Task<T> WithinAsync<T>(Task<T> work, string what)
    {
        var done = await Task.WhenAny(work, Task.Delay(NoHang));
        done.Should().BeSameAs(work, $"{what} must not hang");
        return await work;
    }

    [Fact]
    public async Task A_named_pipe_in_the_inbox_is_rejected_at_once_and_the_files_after_it_are_imported()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        using (var mkfifo = Process.Start("mkfifo", temp.File("inbox", "a_pipe.csv")))
        {
            await mkfifo.WaitForExitAsync();
            mkfifo.ExitCode.Should().Be(0);
        }

        File.Copy(Days(), temp.File("inbox", "b_days.csv"));

        var results = await WithinAsync(import.Get<InboxImporter>().ImportInboxAsync(import.School), "a FIFO in the inbox");

        results.Select(r => r.Status).Should().Equal(ImportStatus.Rejected, ImportStatus.Imported);
        results[0].Message.Should().Be("a_pipe.csv: rejected, nothing read: it is a named pipe (FIFO), not a file: reading it would wait for a writer forever.");
    }

    [Fact]
    public async Task A_device_such_as_dev_zero_is_rejected_at_once()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var result = await WithinAsync(import.ImportAsync("/dev/zero"), "importing /dev/zero");

        result.Status.Should().Be(ImportStatus.Rejected);
        result.Message.Should().Be("zero: rejected, nothing read: it is a device, not a file: it has no end to read to.");
    }

    [Fact]
    public async Task A_symbolic_link_out_of_the_inbox_is_rejected_and_nothing_of_its_target_is_shown_or_stored()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        File.CreateSymbolicLink(temp.File("inbox", "passwd_link.csv"), "/etc/passwd");
        File.CreateSymbolicLink(temp.File("inbox", "zero_link.csv"), "/dev/zero");

        var results = await WithinAsync(import.Get<InboxImporter>().ImportInboxAsync(import.School), "links out of the inbox");

        results.Should().HaveCount(2).And.AllSatisfy(r =>
        {
            r.Status.Should().Be(ImportStatus.Rejected);
            r.Message.Should().Contain("symbolic link to a file outside the inbox").And.NotContain("root");
        });
        (await import.CountAsync("select count(*) from quarantined_row where value is not null")).Should().Be(0);
        (await import.CountAsync("select count(*) from import_file where message like '%root%'")).Should().Be(0);
    }

    [Fact]
    public async Task A_symbolic_link_to_a_file_inside_the_inbox_is_read()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        Directory.CreateDirectory(temp.File("inbox", "arkiv"));
        File.Copy(Days(), temp.File("inbox", "arkiv", "days.csv"));
        File.CreateSymbolicLink(temp.File("inbox", "latest.csv"), temp.File("inbox", "arkiv", "days.csv"));

        var results = await import.Get<InboxImporter>().ImportInboxAsync(import.School);

        results.Should().ContainSingle().Which.Status.Should().Be(ImportStatus.Imported, results[0].Message);
    }

    [Fact]
    public async Task A_file_over_the_size_cap_is_rejected_without_being_read()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault,
            configuration: new Dictionary<string, string?> { ["Skolnarvaro:MaxFileBytes"] = "1000" });

        var result = await import.ImportAsync(Days());

        result.Status.Should().Be(ImportStatus.Rejected);
        result.Message.Should().MatchRegex(@"^days_week\.csv: rejected, nothing read: [\d,\u00a0 ]+ bytes is more than the 1[,\u00a0 ]?000 an export may have \(Skolnarvaro:MaxFileBytes\)");
        (await import.CountAsync("select count(*) from attendance_fact")).Should().Be(0);
    }

    [Fact]
    public async Task An_import_over_the_time_cap_is_stopped_and_its_file_rejected()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault,
            configuration: new Dictionary<string, string?> { ["Skolnarvaro:MaxFileImportTime"] = "00:00:00.001" });

        var result = await WithinAsync(import.ImportAsync(Days()), "an import over its time cap");

        result.Status.Should().Be(ImportStatus.Rejected);
        result.Message.Should().Contain("took longer than").And.Contain("Skolnarvaro:MaxFileImportTime");
        (await import.CountAsync("select count(*) from attendance_fact")).Should().Be(0);
    }

    [Fact]
    public async Task A_five_megabyte_line_is_shown_and_stored_only_as_a_short_excerpt()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        var lines = File.ReadAllLines(Days(), Encoding.UTF8);
        var huge = new string('7', 5 << 20);
        lines[2] = lines[2].Replace(";310;", $";{huge};", StringComparison.Ordinal);
        var headerless = temp.File("one_long_line.csv");
        await File.WriteAllTextAsync(headerless, new string('x', 5 << 20) + "\n");
        var longValue = temp.File("long_value.csv");
        await File.WriteAllLinesAsync(longValue, lines);

        var rejected = await import.ImportAsync(headerless);
        var quarantined = await import.ImportAsync(longValue);

        rejected.Status.Should().Be(ImportStatus.Rejected);
        rejected.Message.Length.Should().BeLessThan(600, rejected.Message[..Math.Min(600, rejected.Message.Length)]);
        quarantined.Status.Should().Be(ImportStatus.Imported, quarantined.Message);
        (await import.QuarantinedAsync(quarantined.ImportFileId!.Value)).Should().ContainSingle()
            .Which.Value!.Length.Should().BeLessThanOrEqualTo(80);
        (await import.CountAsync("select coalesce(max(length(message)), 0) from import_file")).Should().BeLessThan(2000);
    }
}
