using System.IO.Compression;
using System.Text;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Parsing;

/// <summary>A file that is not a text export is told what it is, not advised to set an encoding that would not help.</summary>
public sealed class FileSniffTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("sniff");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    private static string Days() => File.ReadAllText(ImportHarness.Data("hostile", "days_week.csv"), Encoding.UTF8);

    public static TheoryData<string, string> Files => new()
    {
        { "utf16_bom", "the file is UTF-16 (it starts with a UTF-16 byte order mark)" },
        { "utf16_no_bom", "the file is UTF-16 (every other byte is a NUL byte)" },
        { "gzip", "the file is gzip-compressed" },
        { "xlsx", "the file is a zip archive, such as an Excel workbook (.xlsx)" },
        { "binary", "the file holds binary data, not text" },
        { "cut_character", "a character is cut in two" },
    };

    private async Task<string> MakeAsync(string kind)
    {
        var path = temp.File($"{kind}.csv");
        var text = Days();
        switch (kind)
        {
            case "utf16_bom":
                await File.WriteAllBytesAsync(path, [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)]);
                break;
            case "utf16_no_bom":
                await File.WriteAllBytesAsync(path, Encoding.Unicode.GetBytes(text));
                break;
            case "gzip":
                await using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
                {
                    await gz.WriteAsync(Encoding.UTF8.GetBytes(text));
                }

                break;
            case "xlsx":
                using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
                {
                    await using var entry = zip.CreateEntry("xl/worksheets/sheet1.xml").Open();
                    await entry.WriteAsync(Encoding.UTF8.GetBytes(text));
                }

                break;
            case "binary":
                await File.WriteAllBytesAsync(path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 256)).ToArray());
                break;
            default:
                // A UTF-8 file with å, ä and ö, one of whose characters lost its second byte.
                var bytes = Encoding.UTF8.GetBytes(text).ToList();
                var at = bytes.FindLastIndex(b => b == 0xC3);
                bytes.RemoveAt(at + 1);
                await File.WriteAllBytesAsync(path, bytes.ToArray());
                break;
        }

        return path;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task A_file_that_is_not_a_text_export_is_named_for_what_it_is(string kind, string expected)
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var result = await import.ImportAsync(await MakeAsync(kind));

        result.Status.Should().Be(ImportStatus.Rejected);
        result.Message.Should().Contain(expected).And.NotContain("Windows-1252: set Encoding");
    }
}
