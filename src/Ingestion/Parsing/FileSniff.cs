namespace Skolnarvaro.Ingestion.Parsing;

/// <summary>
/// What a file that is not a text export actually is, told from its first bytes: so that the message names it (UTF-16,
/// gzip, an Excel workbook, binary data, a character cut in two) instead of guessing at an encoding setting.
/// </summary>
public static class FileSniff
{
    private const int HeadBytes = 64 * 1024;

    /// <summary>Why the file is not a text export in any encoding a profile can set; null when it may well be one.</summary>
    public static string? NotText(string path)
    {
        var head = Head(path);
        return head switch
        {
            [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] =>
                "the file is UTF-16 (it starts with a UTF-16 byte order mark); export or save it as UTF-8 or Windows-1252 instead",
            [0x1F, 0x8B, ..] => "the file is gzip-compressed (.gz); unpack it and put the CSV file itself in the inbox",
            [0x50, 0x4B, 0x03, 0x04, ..] =>
                "the file is a zip archive, such as an Excel workbook (.xlsx); save it from Excel as CSV (semicolon-separated) instead",
            _ when LooksLikeUtf16(head) =>
                "the file is UTF-16 (every other byte is a NUL byte); export or save it as UTF-8 or Windows-1252 instead",
            _ when ControlShare(head) > 0.05 => "the file holds binary data, not text; it is not an attendance export",
            _ => null,
        };
    }

    /// <summary>
    /// Whether bytes that are not UTF-8 at <paramref name="offset"/> are one character cut in two in a file that is
    /// otherwise UTF-8 (it holds Swedish letters written as UTF-8), rather than a Windows-1252 file.
    /// </summary>
    public static bool IsCutUtf8Character(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var buffer = new byte[HeadBytes];
        stream.Position = Math.Max(0, offset - HeadBytes / 2);
        var n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        for (var i = 0; i + 1 < n; i++)
        {
            // å, ä, ö, é, ü… in UTF-8: C3 followed by a continuation byte. In Windows-1252 that would read "Ã¥", never written.
            if (buffer[i] == 0xC3 && buffer[i + 1] is >= 0x80 and <= 0xBF)
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] Head(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var buffer = new byte[HeadBytes];
        var n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return buffer[..n];
    }

    private static bool LooksLikeUtf16(byte[] head)
    {
        if (head.Length < 8)
        {
            return false;
        }

        int even = 0, odd = 0;
        for (var i = 0; i < head.Length; i++)
        {
            if (head[i] == 0)
            {
                _ = i % 2 == 0 ? even++ : odd++;
            }
        }

        var half = head.Length / 2;
        return Math.Max(even, odd) > half * 0.4 && Math.Min(even, odd) < half * 0.05;
    }

    /// <summary>The share of bytes no text export holds (controls other than tab, line breaks and form feed).</summary>
    private static double ControlShare(byte[] head)
    {
        if (head.Length < 16)
        {
            return 0;
        }

        var control = head.Count(b => b < 0x20 && b is not (byte)'\t' and not (byte)'\n' and not (byte)'\r' and not 0x0C);
        return (double)control / head.Length;
    }
}
