using System.Text;
using Skolnarvaro.Ingestion.Parsing;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Parsing;

/// <summary>The byte scan before parsing: lines and UTF-8 validity, also across its 1 MB reading chunks.</summary>
public sealed class FileScanTests : IDisposable
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("scan");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_character_cut_by_the_reading_chunk_is_valid_UTF8_and_lines_are_counted_across_chunks()
    {
        // Regression: a multi-megabyte export with "å" on a chunk boundary was rejected as not UTF-8.
        var line = "20190308-0594;Åsa;Öberg;1A;2026-11-16;08:10;60;Matematik;N;0\n";
        // Three 1 MB chunks' worth, built in one go (growing a string and re-measuring it each line took minutes).
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, (3 << 20) / Encoding.UTF8.GetByteCount(line) + 1)));
        for (var shift = 0; shift < 4; shift++)
        {
            var file = temp.File($"big{shift}.csv");
            await File.WriteAllBytesAsync(file, [.. Enumerable.Repeat((byte)'x', shift), (byte)'\n', .. bytes]);

            var scan = await FileScan.ReadAsync(file, CancellationToken.None);

            scan.IsValidUtf8.Should().BeTrue($"shift {shift}");
            scan.Lines.Should().Be(bytes.Count(b => b == '\n') + 1);
        }
    }

    [Fact]
    public async Task An_invalid_byte_after_the_first_chunk_is_found_with_its_line_and_offset()
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("abc;def\n", 300_000)));
        bytes[2_000_001] = 0xE5; // "å" in Windows-1252
        var file = temp.File("bad.csv");
        await File.WriteAllBytesAsync(file, bytes);

        var scan = await FileScan.ReadAsync(file, CancellationToken.None);

        scan.FirstInvalidUtf8.Should().Be(new ByteLocation(2_000_001 / 8 + 1, 2_000_001));
        scan.TrailingEmptyLines.Should().Be(0);
        scan.Lines.Should().Be(300_000);
    }
}
