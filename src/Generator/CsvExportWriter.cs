using System.Buffers;
using System.Globalization;

namespace Skolnarvaro.Generator;

/// <summary>A buffered, streaming CSV writer (RFC 4180 quoting, explicit line ending and encoding).</summary>
internal sealed class CsvExportWriter : IDisposable
{
    private static readonly string[] SmallInts = Enumerable.Range(0, 2000).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private readonly StreamWriter writer;
    private readonly char delimiter;
    private readonly string newLine;
    private readonly SearchValues<char> special;
    private bool atRowStart = true;

    public CsvExportWriter(string path, ExportFormat format)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        this.writer = new StreamWriter(stream, format.Encoding, 1 << 16);
        delimiter = format.Delimiter;
        newLine = format.NewLine;
        special = SearchValues.Create([delimiter, '"', '\r', '\n']);
    }

    public long Rows { get; private set; }

    public void Field(string value)
    {
        if (!atRowStart)
        {
            this.writer.Write(delimiter);
        }
        atRowStart = false;
        if (value.AsSpan().IndexOfAny(special) < 0)
        {
            this.writer.Write(value);
            return;
        }
        this.writer.Write('"');
        this.writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        this.writer.Write('"');
    }

    public void Field(int value) =>
        Field(value >= 0 && value < SmallInts.Length ? SmallInts[value] : value.ToString(CultureInfo.InvariantCulture));

    public void Header(IEnumerable<string> names)
    {
        foreach (string n in names)
        {
            Field(n);
        }
        this.writer.Write(newLine);
        atRowStart = true;
    }

    public void EndRow()
    {
        this.writer.Write(newLine);
        atRowStart = true;
        Rows++;
    }

    public void Dispose() => this.writer.Dispose();
}
