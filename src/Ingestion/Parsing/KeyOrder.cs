using System.Buffers;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Skolnarvaro.Ingestion.Identity;
using Skolnarvaro.Ingestion.Profiles;

namespace Skolnarvaro.Ingestion.Parsing;

/// <summary>
/// A reading order for a file whose pupils are each listed in one place (the usual export): pupil by pupil in the
/// order of their keys, so that a school's first import fills attendance_fact's primary key from left to right.
/// PostgreSQL then appends each key to the index's rightmost page (its fast path) instead of searching the index and
/// splitting pages all over it: the same 1.3 M facts were COPYed in 7.4–9.8 s instead of 13.0–19.6 s, into an index of
/// 99 MB instead of 166 MB. Reading order only: every line is read once, under its own line number.
/// </summary>
/// <remarks>
/// Found by one pass over the bytes, so only for files that pass can cut into pupils without a CSV parser: no quote
/// character anywhere (a quoted field may hold a line break), LF or CR LF line breaks, a line break at the end. A pupil
/// whose rows are in more than one place, or more pupil blocks than <see cref="MaxBlocks"/> (a file listed day by day),
/// keeps the file's order; so does any file this pass does not understand. Memory: a few words per pupil.
/// </remarks>
public sealed class KeyOrder
{
    /// <summary>Blocks beyond this mean the file is not listed pupil by pupil: its order is kept (and memory stays small).</summary>
    public const int MaxBlocks = 100_000;

    private readonly long headerLength;
    private readonly Block[] blocks;

    private readonly int personnummerColumn;
    private readonly int lines;

    private KeyOrder(long headerLength, Block[] blocks, int personnummerColumn, int lines)
    {
        this.headerLength = headerLength;
        this.blocks = blocks;
        this.personnummerColumn = personnummerColumn;
        this.lines = lines;
    }

    /// <summary>
    /// Whether this order was planned on the file the scan saw (its lines, ending with a line break) and with the column
    /// the CSV reader takes for the personnummer.
    /// </summary>
    public bool Fits(FileScan scan, int readerPersonnummerColumn) =>
        scan.EndsWithLineBreak && scan.Lines == lines && readerPersonnummerColumn == personnummerColumn;

    /// <summary>How many pupil blocks the file was cut into.</summary>
    public override string ToString() => $"{blocks.Length:N0} pupil blocks";

    /// <summary>
    /// One pupil's lines (with the blank or unusable lines that follow them, before the next pupil): where they are in the
    /// file, the line they start on, how many there are, and where they start in the reading order.
    /// </summary>
    private sealed record Block(long Offset, int Length, int Line, int Lines, byte[]? Key, int Index)
    {
        public int ReadLine { get; set; }
    }

    /// <summary>
    /// The key order for <paramref name="path"/>, or null when the file keeps its own order (see the remarks). Personnummer
    /// that do not parse, and protected-identity values, give no key: their rows are quarantined or skipped wherever they are.
    /// </summary>
    /// <remarks>
    /// It needs neither the byte scan nor the CSV reader, so it runs beside the scan; <see cref="Fits"/> then checks that
    /// both saw the same file.
    /// </remarks>
    public static KeyOrder? Plan(string path, ResolvedProfile profile, PupilKeyHasher hasher, DateOnly today, CancellationToken ct = default)
    {
        if (!Cuttable(profile) || !profile.Columns.TryGetValue(ExportField.Personnummer, out var pnrHeader))
        {
            return null;
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var cutter = new Cutter(profile, pnrHeader, hasher, today);
        return cutter.Cut(handle, ct) ? cutter.Order() : null;
    }

    /// <summary>A delimiter and an encoding in which a line break, a quote and the delimiter are each one byte of their own.</summary>
    private static bool Cuttable(ResolvedProfile profile) =>
        profile.Delimiter <= 127 && profile.Delimiter is not ('"' or '\r' or '\n' or ' ')
        && (profile.Encoding is UTF8Encoding || profile.Encoding.IsSingleByte);

    /// <summary>No quote or NUL anywhere, not UTF-16 or UTF-32, and lines that end with LF or CR LF, never a lone CR.</summary>
    private static bool PlainText(ReadOnlySpan<byte> data, bool atStart)
    {
        if (atStart && data.Length >= 2 && (data[0] is 0xFF or 0xFE) && (data[1] is 0xFF or 0xFE))
        {
            return false; // UTF-16 or UTF-32: not the bytes this pass reads
        }

        if (data.IndexOfAny((byte)'"', (byte)0) >= 0)
        {
            return false;
        }

        // A lone CR is a line break of its own to the CSV reader.
        var crs = data;
        for (var cr = crs.IndexOf((byte)'\r'); cr >= 0; cr = crs.IndexOf((byte)'\r'))
        {
            if (cr + 1 < crs.Length && crs[cr + 1] != (byte)'\n')
            {
                return false;
            }

            crs = crs[(cr + 1)..];
        }

        return true;
    }

    /// <summary>One pass over the file's bytes that cuts it into pupil blocks; any step may find the file is not one it can cut.</summary>
    private sealed class Cutter
    {
        private readonly ResolvedProfile profile;
        private readonly string pnrHeader;
        private readonly PupilKeyHasher hasher;
        private readonly DateOnly today;
        private readonly byte delimiter;
        private readonly List<Block> blocks = [];
        private readonly Dictionary<byte[], byte[]?> keyOf = new(ByteContent.Instance);
        private readonly HashSet<byte[]> keys = new(ByteContent.Instance);
        private byte[]? currentPnr;
        private long blockStart = -1;
        private int blockLine = 2;
        private int line;              // lines ended so far
        private long offset;           // file offset of the buffer's first byte
        private long headerLength = -1;
        private int personnummerColumn = -1;

        public Cutter(ResolvedProfile profile, string pnrHeader, PupilKeyHasher hasher, DateOnly today)
        {
            (this.profile, this.pnrHeader, this.hasher, this.today) = (profile, pnrHeader, hasher, today);
            delimiter = (byte)profile.Delimiter;
        }

        /// <summary>Reads the file; false when it is not one this pass can cut, or there is nothing to reorder.</summary>
        public bool Cut(SafeFileHandle handle, CancellationToken ct)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
            try
            {
                if (!ReadAll(handle, buffer, ct)
                    || currentPnr is null || headerLength < 0 || line < 3 || !Close(blockStart, offset, blockLine, line + 1 - blockLine, currentPnr))
                {
                    return false;
                }

                return keys.Count >= 2; // fewer: nothing to reorder
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>
        /// The blocks by key (unsigned bytes, as PostgreSQL orders bytea), blocks without a key first. The last block stays
        /// last: the file's trailing empty lines are its own, and the reader counts them at the end.
        /// </summary>
        public KeyOrder Order()
        {
            var last = blocks[^1];
            var ordered = blocks.Take(blocks.Count - 1)
                .OrderBy(b => b.Key, Comparer<byte[]?>.Create((x, y) => x is null ? (y is null ? 0 : -1) : y is null ? 1 : x.AsSpan().SequenceCompareTo(y)))
                .ThenBy(b => b.Index)
                .Append(last)
                .ToArray();
            var readLine = 2;
            foreach (var b in ordered)
            {
                b.ReadLine = readLine;
                readLine += b.Lines;
            }

            return new KeyOrder(headerLength, ordered, personnummerColumn, line);
        }

        private bool ReadAll(SafeFileHandle handle, byte[] buffer, CancellationToken ct)
        {
            var filled = 0;
            int read;
            while ((read = RandomAccess.Read(handle, buffer.AsSpan(filled), offset + filled)) > 0 || filled > 0)
            {
                ct.ThrowIfCancellationRequested();
                var data = buffer.AsSpan(0, filled + read);
                if (!PlainText(data, atStart: offset == 0) || !TakeLines(data, out var consumed))
                {
                    return false;
                }

                offset += consumed;
                filled = data.Length - consumed;
                if (read == 0)
                {
                    // The file ends with a line break (checked below), so nothing can be left over.
                    return filled == 0;
                }

                if (filled == buffer.Length)
                {
                    return false; // a line longer than the buffer: nothing this pass is for
                }

                data[consumed..].CopyTo(buffer);
            }

            return true;
        }

        private bool TakeLines(ReadOnlySpan<byte> data, out int consumed)
        {
            consumed = 0;
            while (true)
            {
                var rest = data[consumed..];
                var end = rest.IndexOf((byte)'\n');
                if (end < 0)
                {
                    return true;
                }

                var lineOffset = offset + consumed;
                line++;
                consumed += end + 1;
                if (!TakeLine(rest[..end], lineOffset, offset + consumed))
                {
                    return false;
                }
            }
        }

        /// <param name="next">Where the next line starts.</param>
        private bool TakeLine(ReadOnlySpan<byte> text, long lineOffset, long next)
        {
            if (line == 1)
            {
                headerLength = next;
                blockStart = headerLength;
                personnummerColumn = HeaderColumn(text, delimiter, profile.Encoding, pnrHeader);
                return personnummerColumn >= 0;
            }

            // The usual line: the personnummer first, as on the line before.
            if (personnummerColumn == 0 && currentPnr is not null && text.Length > currentPnr.Length
                && text[currentPnr.Length] == delimiter && text.StartsWith(currentPnr))
            {
                return true;
            }

            if (text.Length > 0 && text[^1] == (byte)'\r')
            {
                text = text[..^1];
            }

            var pnr = Field(text, delimiter, personnummerColumn).Trim((byte)' ');
            if (pnr.IsEmpty || (currentPnr is not null && pnr.SequenceEqual(currentPnr)))
            {
                return true;
            }

            if (currentPnr is null)
            {
                currentPnr = pnr.ToArray();
                return true;
            }

            // A new pupil starts on this line: the previous block ends before it.
            if (!Close(blockStart, lineOffset, blockLine, line - blockLine, currentPnr))
            {
                return false;
            }

            currentPnr = pnr.ToArray();
            blockStart = lineOffset;
            blockLine = line;
            return true;
        }

        private bool Close(long start, long end, int firstLine, int lines, byte[] pnr)
        {
            if (blocks.Count == MaxBlocks)
            {
                return false;
            }

            if (!keyOf.TryGetValue(pnr, out var key))
            {
                key = KeyFor(pnr, profile, hasher, today);
                keyOf.Add(pnr, key);
                if (key is not null && !keys.Add(key))
                {
                    return false; // the same pupil written another way, elsewhere in the file
                }
            }
            else if (key is not null)
            {
                return false; // the pupil's rows are in more than one place
            }

            blocks.Add(new Block(start, checked((int)(end - start)), firstLine, lines, key, blocks.Count));
            return true;
        }
    }

    /// <summary>The file's line of a line of the reordered input.</summary>
    internal int FileLine(int readLine, ref int cursor)
    {
        if (readLine < 2)
        {
            return readLine;
        }

        while (cursor + 1 < blocks.Length && readLine >= blocks[cursor + 1].ReadLine)
        {
            cursor++;
        }

        while (cursor > 0 && readLine < blocks[cursor].ReadLine)
        {
            cursor--;
        }

        return blocks[cursor].Line + (readLine - blocks[cursor].ReadLine);
    }

    /// <summary>The header, then the pupils' blocks in key order: the input the CSV reader reads.</summary>
    internal Stream Open(string path) => new ReorderedStream(
        File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read),
        [(0, headerLength), .. blocks.Select(b => (b.Offset, (long)b.Length))]);

    /// <summary>The header's column named <paramref name="name"/> (trimmed, case ignored), or -1.</summary>
    private static int HeaderColumn(ReadOnlySpan<byte> header, byte delimiter, Encoding encoding, string name)
    {
        if (header.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            header = header[3..];
        }

        var names = (encoding is UTF8Encoding ? Encoding.UTF8 : encoding).GetString(header).Split((char)delimiter);
        for (var i = 0; i < names.Length; i++)
        {
            if (string.Equals(names[i].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> line, byte delimiter, int column)
    {
        for (var i = 0; i < column; i++)
        {
            var next = line.IndexOf(delimiter);
            if (next < 0)
            {
                return [];
            }

            line = line[(next + 1)..];
        }

        var end = line.IndexOf(delimiter);
        return end < 0 ? line : line[..end];
    }

    private static byte[]? KeyFor(byte[] pnr, ResolvedProfile profile, PupilKeyHasher hasher, DateOnly today)
    {
        var text = Encoding.Latin1.GetString(pnr);
        if (profile.ProtectedValues.Contains(text) || !Personnummer.TryParse(text, today, out var parsed, out _))
        {
            return null;
        }

        return hasher.KeyFor(parsed);
    }

    /// <summary>Pieces of one file read one after the other, as if they were the file.</summary>
    private sealed class ReorderedStream(SafeFileHandle handle, (long Offset, long Length)[] pieces) : Stream
    {
        private int piece;
        private long within;
        private long position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var total = 0;
            while (!buffer.IsEmpty && piece < pieces.Length)
            {
                var (start, length) = pieces[piece];
                var wanted = (int)Math.Min(buffer.Length, length - within);
                var n = wanted == 0 ? 0 : RandomAccess.Read(handle, buffer[..wanted], start + within);
                if (n == 0 && wanted > 0)
                {
                    throw new IOException("the file changed while it was being read");
                }

                within += n;
                total += n;
                buffer = buffer[n..];
                if (within == length)
                {
                    piece++;
                    within = 0;
                }
            }

            position += total;
            return total;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                handle.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
