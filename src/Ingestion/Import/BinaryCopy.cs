using System.Buffers.Binary;
using Npgsql;

namespace Skolnarvaro.Ingestion.Import;

/// <summary>
/// Rows for <c>COPY … FROM STDIN (FORMAT BINARY)</c>, encoded here into one buffer and sent in large writes. Npgsql's
/// binary importer does the same field by field through its type resolution, which cost the import about as much CPU as
/// validating the rows did; the facts' few fixed types (char, bytea, date, int, bigint, text) need none of it.
/// </summary>
internal sealed class BinaryCopy : IAsyncDisposable
{
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly int PostgresEpoch = new DateOnly(2000, 1, 1).DayNumber;
    private const int FlushAt = 1 << 16;

    private readonly NpgsqlRawCopyStream stream;
    private byte[] buffer = new byte[FlushAt + 4096];
    private int length;
    private bool completed;

    private BinaryCopy(NpgsqlRawCopyStream stream)
    {
        this.stream = stream;
        Header.CopyTo(buffer, 0);
        length = Header.Length;
    }

    public static async Task<BinaryCopy> BeginAsync(NpgsqlConnection conn, string copyCommand, CancellationToken ct) =>
        new(await conn.BeginRawBinaryCopyAsync(copyCommand, ct));

    /// <summary>Sends the buffer once it is full enough; call between rows.</summary>
    public ValueTask FlushIfFullAsync(CancellationToken ct) => length >= FlushAt ? FlushAsync(ct) : ValueTask.CompletedTask;

    public void StartRow(short fields)
    {
        Ensure(2);
        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(length), fields);
        length += 2;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(4 + bytes.Length);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(length), bytes.Length);
        bytes.CopyTo(buffer.AsSpan(length + 4));
        length += 4 + bytes.Length;
    }

    public void WriteNull()
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(length), -1);
        length += 4;
    }

    public void Write(int value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(length), 4);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(length + 4), value);
        length += 8;
    }

    public void Write(long value)
    {
        Ensure(12);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(length), 8);
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(length + 4), value);
        length += 12;
    }

    /// <summary>A date as PostgreSQL sends it: days since 2000-01-01.</summary>
    public void Write(DateOnly date) => Write(date.DayNumber - PostgresEpoch);

    /// <summary>Ends the data and waits for PostgreSQL to take it.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        Ensure(2);
        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(length), -1);
        length += 2;
        await FlushAsync(ct);
        completed = true;
        await stream.DisposeAsync();
    }

    /// <summary>Without <see cref="CompleteAsync"/> the COPY is cancelled: PostgreSQL fails it and keeps none of its rows.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!completed)
        {
            completed = true;
            try
            {
                await stream.CancelAsync();
            }
            catch (PostgresException)
            {
                // The server's answer to the cancellation: the COPY failed, as asked.
            }

            await stream.DisposeAsync();
        }
    }

    private async ValueTask FlushAsync(CancellationToken ct)
    {
        await stream.WriteAsync(buffer.AsMemory(0, length), ct);
        length = 0;
    }

    private void Ensure(int bytes)
    {
        if (length + bytes > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + bytes));
        }
    }
}
