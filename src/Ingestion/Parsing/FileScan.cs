using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

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

    /// <param name="maxBytes">A file that turns out longer is rejected (<see cref="FileRejectedException"/>) rather than read on.</param>
    public static async Task<FileScan> ReadAsync(string path, CancellationToken ct, long maxBytes = long.MaxValue)
    {
        // The content hash is half this pass's work: it reads the file on a thread of its own meanwhile.
        var sha256 = Task.Run(() => HashAsync(path, ct), ct);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        // Up to 3 bytes of a character cut by the chunk boundary are carried to the front of the next chunk.
        var buffer = new byte[Scanner.ChunkSize + 4];
        var scan = new Scanner();
        var carried = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(carried, Scanner.ChunkSize), ct)) > 0)
        {
            scan.CheckLength(read, maxBytes);
            var chunk = buffer.AsSpan(carried, read);
            scan.FindNonAscii(chunk);
            var keep = scan.CheckUtf8(buffer.AsSpan(0, carried + read), carried);
            scan.FindReplacementCharacter(chunk);
            scan.CountLines(chunk);
            scan.Advance(chunk);
            // Moved only now: the bytes carried to the next chunk overwrite the front of this one.
            buffer.AsSpan(carried + read - keep, keep).CopyTo(buffer);
            carried = keep;
        }

        return scan.Finish(carried, await sha256);
    }

    /// <summary>What the scan has found so far, chunk by chunk (a chunk is a megabyte: the steps cost nothing per line).</summary>
    private sealed class Scanner
    {
        public const int ChunkSize = 1 << 20;
        private char[]? chars; // only to find where bad bytes are
        private long offset;
        private int lines;          // line breaks seen
        private long lineLength;    // bytes on the current line so far
        private int trailingEmpty;
        private bool pendingCr;
        private byte last;
        private bool hasNonAscii;
        private ByteLocation? invalid;
        private ByteLocation? replacement;
        private ByteLocation? nonAscii;

        public void CheckLength(int read, long maxBytes)
        {
            if (offset + read > maxBytes)
            {
                throw new FileRejectedException(lines + 1, $"the file is longer than the {maxBytes:N0} bytes an export may have (Skolnarvaro:MaxFileBytes)");
            }
        }

        public void FindNonAscii(ReadOnlySpan<byte> chunk)
        {
            if (nonAscii is null && chunk.IndexOfAnyExceptInRange((byte)0, (byte)127) is var n and >= 0)
            {
                hasNonAscii = true;
                nonAscii = new ByteLocation(lines + 1 + Breaks(chunk[..n]), offset + n);
            }
        }

        /// <summary>Notes the first invalid UTF-8; returns how many bytes at the end to carry to the next chunk.</summary>
        /// <param name="all">The bytes carried from the last chunk, then this chunk's.</param>
        public int CheckUtf8(ReadOnlySpan<byte> all, int carried)
        {
            if (invalid is not null)
            {
                return 0;
            }

            var tail = IncompleteTail(all);
            if (Utf8.IsValid(all[..^tail]))
            {
                // Valid so far (vectorised, nothing decoded): only a character cut by the chunk's end is carried over.
                return tail;
            }

            chars ??= new char[ChunkSize + 4];
            var status = Utf8.ToUtf16(all, chars, out var valid, out _, replaceInvalidSequences: false, isFinalBlock: false);
            var at = valid - carried; // relative to this chunk; negative when the carried bytes are the bad ones
            if (status == OperationStatus.InvalidData)
            {
                invalid = new ByteLocation(lines + 1 + Breaks(all[carried..][..Math.Max(0, at)]), offset + at);
                return 0;
            }

            return all.Length - valid;
        }

        public void FindReplacementCharacter(ReadOnlySpan<byte> chunk)
        {
            if (replacement is null && chunk.IndexOf(ReplacementCharacter) is var r and >= 0)
            {
                replacement = new ByteLocation(lines + 1 + Breaks(chunk[..r]), offset + r);
            }
        }

        /// <summary>
        /// A chunk without CR (the usual LF file) is counted in one vectorised pass; otherwise jump from line break to
        /// line break (vectorised search): this pass must stay far cheaper than parsing.
        /// </summary>
        public void CountLines(ReadOnlySpan<byte> chunk)
        {
            if (!pendingCr && !chunk.Contains((byte)'\r'))
            {
                CountLfLines(chunk, ref lines, ref lineLength, ref trailingEmpty);
                return;
            }

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
        }

        public void Advance(ReadOnlySpan<byte> chunk)
        {
            last = chunk[^1];
            offset += chunk.Length;
        }

        /// <param name="carried">Bytes of a character the file ended inside.</param>
        public FileScan Finish(int carried, byte[] sha256)
        {
            if (invalid is null && carried > 0)
            {
                // The file ends inside a character.
                invalid = new ByteLocation(lines + (EndsWithBreakOf(last) ? 0 : 1), offset - carried);
            }

            var endsWithBreak = EndsWithBreakOf(last);
            if (offset > 0 && !endsWithBreak)
            {
                // The last line has no line break: it is a line too, and not an empty one.
                lines++;
                trailingEmpty = 0;
            }

            return new FileScan(sha256, offset, lines, trailingEmpty, endsWithBreak || offset == 0, invalid is null, hasNonAscii, nonAscii,
                invalid, replacement);
        }
    }

    /// <summary>Lines ended by LF in a chunk without CR, with the same counts as the break-by-break loop.</summary>
    private static void CountLfLines(ReadOnlySpan<byte> chunk, ref int lines, ref long lineLength, ref int trailingEmpty)
    {
        var last = chunk.LastIndexOf((byte)'\n');
        if (last < 0)
        {
            lineLength += chunk.Length;
            return;
        }

        lines += chunk.Count((byte)'\n');
        // The empty lines just before the chunk's last break, back to a line with text (or on into the previous chunk).
        var empty = 0;
        var j = last;
        while (j > 0 ? chunk[j - 1] == (byte)'\n' : lineLength == 0)
        {
            empty++;
            if (j == 0)
            {
                break;
            }

            j--;
        }

        trailingEmpty = j == 0 && lineLength == 0 && empty == last + 1 ? trailingEmpty + empty : empty;
        lineLength = chunk.Length - 1 - last;
    }

    /// <summary>How many bytes at the end begin a UTF-8 character that the next chunk completes (0–3).</summary>
    private static int IncompleteTail(ReadOnlySpan<byte> bytes)
    {
        for (var i = 1; i <= Math.Min(3, bytes.Length); i++)
        {
            var b = bytes[^i];
            if (b < 0x80)
            {
                return 0;
            }

            if (b >= 0xC0)
            {
                var length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                return length > i ? i : 0;
            }
        }

        return 0;
    }

    private static async Task<byte[]> HashAsync(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer.AsSpan(0, read));
        }

        return hash.GetHashAndReset();
    }

    private static bool EndsWithBreakOf(byte last) => last is (byte)'\n' or (byte)'\r';

    /// <summary>Line breaks as the CSV reader counts them: LF, CR LF or a lone CR.</summary>
    public static int Breaks(ReadOnlySpan<byte> text)
    {
        // Nearly every record is one line: a vectorised search says so without looking at each byte.
        if (text.IndexOfAny((byte)'\r', (byte)'\n') < 0)
        {
            return 0;
        }

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
