using System.Security.Cryptography;
using System.Text;

namespace Skolnarvaro.Ingestion.Parsing;

/// <summary>
/// One pass over a file's bytes before it is parsed: its content hash, its physical lines (the total the line accounting
/// must reach), how it ends, and whether it is valid UTF-8 — all found independently of the CSV reader.
/// </summary>
public sealed record FileScan(
    byte[] Sha256,
    long Length,
    int Lines,
    int TrailingEmptyLines,
    bool EndsWithLineBreak,
    bool IsValidUtf8,
    bool HasNonAscii,
    ByteLocation? FirstNonAscii,
    ByteLocation? FirstInvalidUtf8,
    ByteLocation? FirstReplacementCharacter)
{
    private static readonly byte[] ReplacementCharacter = [0xEF, 0xBF, 0xBD];

    public static async Task<FileScan> ReadAsync(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
        var buffer = new byte[1 << 20];
        long offset = 0;
        var lines = 0;          // line breaks seen
        var lineLength = 0L;    // bytes on the current line so far
        var trailingEmpty = 0;
        var pendingCr = false;
        var last = (byte)0;
        var hasNonAscii = false;
        ByteLocation? invalid = null;
        ByteLocation? replacement = null;
        ByteLocation? nonAscii = null;
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            var chunk = buffer.AsSpan(0, read);
            hash.AppendData(chunk);
            if (nonAscii is null && chunk.IndexOfAnyExceptInRange((byte)0, (byte)127) is var n and >= 0)
            {
                hasNonAscii = true;
                nonAscii = new ByteLocation(lines + 1 + Breaks(chunk[..n]), offset + n);
            }

            if (invalid is null)
            {
                try
                {
                    decoder.GetCharCount(chunk, flush: false);
                }
                catch (DecoderFallbackException e)
                {
                    var at = Math.Max(0, e.Index);
                    invalid = new ByteLocation(lines + 1 + Breaks(chunk[..Math.Min(at, read)]), offset + at);
                }
            }

            if (replacement is null && chunk.IndexOf(ReplacementCharacter) is var r and >= 0)
            {
                replacement = new ByteLocation(lines + 1 + Breaks(chunk[..r]), offset + r);
            }

            // Jump from line break to line break (vectorised search): this pass must stay far cheaper than parsing.
            var rest = chunk;
            while (!rest.IsEmpty)
            {
                var next = rest.IndexOfAny((byte)'\r', (byte)'\n');
                if (next < 0)
                {
                    lineLength += rest.Length;
                    pendingCr = false;
                    break;
                }

                if (next > 0)
                {
                    lineLength += next;
                    pendingCr = false;
                }

                if (rest[next] == (byte)'\n' && pendingCr)
                {
                    // The LF of a CR LF: the CR already ended the line.
                    pendingCr = false;
                }
                else
                {
                    trailingEmpty = lineLength == 0 ? trailingEmpty + 1 : 0;
                    lines++;
                    lineLength = 0;
                    pendingCr = rest[next] == (byte)'\r';
                }

                rest = rest[(next + 1)..];
            }

            last = chunk[^1];
            offset += read;
        }

        if (invalid is null && offset > 0)
        {
            try
            {
                decoder.GetCharCount([], flush: true);
            }
            catch (DecoderFallbackException)
            {
                invalid = new ByteLocation(lines + 1, offset);
            }
        }

        var endsWithBreak = last is (byte)'\n' or (byte)'\r';
        if (offset > 0 && !endsWithBreak)
        {
            // The last line has no line break: it is a line too, and not an empty one.
            lines++;
            trailingEmpty = 0;
        }

        return new FileScan(hash.GetHashAndReset(), offset, lines, trailingEmpty, endsWithBreak || offset == 0, invalid is null, hasNonAscii, nonAscii,
            invalid, replacement);
    }

    /// <summary>Line breaks as the CSV reader counts them: LF, CR LF or a lone CR.</summary>
    public static int Breaks(ReadOnlySpan<byte> text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == (byte)'\n' || (text[i] == (byte)'\r' && (i + 1 == text.Length || text[i + 1] != (byte)'\n')))
            {
                count++;
            }
        }

        return count;
    }
}

/// <summary>A place in a file: the 1-based line and the 0-based byte offset from the start of the file.</summary>
public readonly record struct ByteLocation(int Line, long Offset);
