using System.IO.Compression;
using System.Text;
using Skolnarvaro.Ingestion.Import.Checks;
using Skolnarvaro.Ingestion.Parsing;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Import;

/// <summary>
/// Each rule that refuses a whole file, on its own, at its edge: what it refuses, what it lets through, and the message.
/// The hostile-file and rejection tests show the same rules through a whole import.
/// </summary>
public sealed class ImportChecksTests : IDisposable
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("checks");

    public void Dispose() => temp.Dispose();

    private static ResolvedProfile Days => ResolvedProfile.Resolve(BuiltInProfiles.DaysDefault, null, new Dictionary<string, ExportProfileSettings>(), "test");

    private static string Hostile(string file) => ImportHarness.Data("hostile", file);

    private static async Task<Rejection?> BeforeReadingAsync(string path) =>
        ImportChecks.BeforeReading(Path.GetFileName(path), path, Days, await FileScan.ReadAsync(path, CancellationToken.None));

    private static LineAccount Lines(int total, int imported, int quarantined = 0) =>
        new() { Total = total, Imported = imported, Quarantined = quarantined, Header = 1 };

    [Fact]
    public async Task A_clean_export_passes_every_check_before_its_rows_are_read()
    {
        (await BeforeReadingAsync(Hostile("days_week.csv"))).Should().BeNull();
    }

    [Fact]
    public async Task A_gzip_file_is_refused_before_its_rows_as_not_text_naming_what_it_is()
    {
        var path = temp.File("days.csv");
        await using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            await gz.WriteAsync(await File.ReadAllBytesAsync(Hostile("days_week.csv")));
        }

        var refused = await BeforeReadingAsync(path);

        refused!.Message.Should().Be("days.csv: rejected, nothing imported: the file is gzip-compressed (.gz); unpack it and put the CSV file itself in the inbox.");
        refused.Problems.Should().ContainSingle().Which.Line.Should().Be(1);
        refused.HeldBack.Should().BeFalse();
    }

    [Fact]
    public async Task Windows_1252_bytes_under_a_UTF_8_profile_are_refused_naming_line_byte_and_the_setting_to_change()
    {
        var refused = await BeforeReadingAsync(Hostile("days_windows1252_bytes_under_utf8_profile.csv"));

        refused!.Message.Should().MatchRegex(@"^days_windows1252_bytes_under_utf8_profile\.csv: rejected, nothing imported: line \d+, byte \d+: not valid UTF-8, " +
            @"the encoding of profile 'days-default'; it looks like Windows-1252: set Encoding in the school's ProfileOverrides \(""Encoding"": ""windows-1252""\)$");
        refused.Problems.Should().ContainSingle().Which.Line.Should().BeGreaterThan(1);
    }

    [Fact]
    public async Task A_file_holding_the_replacement_character_is_refused_as_already_damaged()
    {
        var path = temp.File("damaged.csv");
        var text = await File.ReadAllTextAsync(Hostile("days_week.csv"), Encoding.UTF8);
        await File.WriteAllTextAsync(path, text.Replace("Johan", "Jo\uFFFDan", StringComparison.Ordinal), new UTF8Encoding(false));

        var refused = await BeforeReadingAsync(path);

        refused!.Message.Should().StartWith("damaged.csv: rejected, nothing imported: line 2, byte ")
            .And.EndWith("the file holds the replacement character U+FFFD, so an earlier conversion already lost characters; export it again from the school's system");
    }

    [Fact]
    public void Lines_that_do_not_add_up_refuse_the_file_with_the_counts_and_lines_that_do_pass()
    {
        var refused = ImportChecks.AfterReading("days.csv", new RowsRead(8, Lines(total: 10, imported: 8), [], 0, 0), maxBadRowShare: 0.05);
        var passed = ImportChecks.AfterReading("days.csv", new RowsRead(9, Lines(total: 10, imported: 9), [], 0, 0), maxBadRowShare: 0.05);

        refused!.Message.Should().Be("days.csv: rejected, nothing imported: its lines do not add up, so some were read wrongly: " +
                                     "10 lines = 8 imported + 0 quarantined + 0 protected identity + 0 blank + 1 header (only 9 accounted for).");
        refused.Problems.Should().ContainSingle().Which.Reason.Should().Be(refused.Message);
        refused.Lines!.Total.Should().Be(10);
        passed.Should().BeNull();
    }

    [Fact]
    public void A_bad_row_share_over_the_limit_refuses_the_file_naming_its_first_bad_row_and_a_share_at_the_limit_passes()
    {
        RowProblem[] problems =
        [
            new(7, "Personnummer", "20130417-2322", "the check digit is wrong"),
            new(3, "Datum", "2026-13-01", "not a date in the format yyyy-MM-dd"),
        ];
        var read = new RowsRead(20, Lines(total: 21, imported: 18, quarantined: 2), problems, 2, 1);

        var refused = ImportChecks.AfterReading("days.csv", read, maxBadRowShare: 0.05);
        var atLimit = ImportChecks.AfterReading("days.csv", read, maxBadRowShare: 0.10);

        refused!.Message.Should().Be("days.csv: rejected, nothing imported: 2 of 20 rows (10.0 %) are bad; the limit is 5.0 %. " +
                                     "First: line 3, column 'Datum', value '2026-13-01': not a date in the format yyyy-MM-dd.");
        refused.Problems.Should().Equal(problems);
        refused.Should().BeEquivalentTo(new { RowsRead = 20L, ProblemCount = 2L, ProtectedCount = 1L, HeldBack = false });
        atLimit.Should().BeNull();
    }

    [Fact]
    public void The_first_check_that_refuses_gives_the_message_lines_before_the_bad_row_share()
    {
        var read = new RowsRead(4, Lines(total: 9, imported: 0, quarantined: 4), [new(2, null, null, "bad")], 4, 0);

        ImportChecks.AfterReading("days.csv", read, maxBadRowShare: 0.05)!.Message.Should().Contain("its lines do not add up");
    }

    [Fact]
    public void A_shrink_over_the_limit_holds_the_file_back_unless_the_analyst_allows_it()
    {
        var over = new Shrink(Days: 3, Pupils: 2, PupilsGone: 1, Before: 100, Share: 0.03);
        var read = new RowsRead(97, Lines(total: 98, imported: 97), [], 0, 0);

        ShrinkCheck.HoldsBack(over, 0.02, allowShrink: false).Should().BeTrue();
        ShrinkCheck.HoldsBack(over, 0.02, allowShrink: true).Should().BeFalse();
        ShrinkCheck.HoldsBack(over with { Days = 2, Share = 0.02 }, 0.02, allowShrink: false).Should().BeFalse();
        var held = ShrinkCheck.HeldBack("days.csv", "12345678", over, 0.02, read, strayNote: "");
        held.HeldBack.Should().BeTrue();
        held.Problems.Should().BeEmpty();
        held.Message.Should().Be("days.csv: held back, nothing imported: it would remove 3 of the 100 facts (pupil school days) the school's earlier " +
                                 "exports hold for its dates (3.0 %, the limit is 2.0 %): 2 pupils would lose days, 1 of them every day. A file cut off on " +
                                 "its way here looks exactly like this. If the school really did remove them, import it with " +
                                 "`skolnarvaro import --school 12345678 --allow-shrink days.csv`.");
    }
}
