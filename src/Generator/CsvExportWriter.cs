using System.Buffers;
using System.Globalization;

namespace Skolnarvaro.Generator;

/// <summary>A buffered, streaming CSV writer (RFC 4180 quoting, explicit line ending and encoding).</summary>
internal sealed class CsvExportWriter : IDisposable
{
    private static readonly string[] SmallInts = Enumerable.Range(0, 2000).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private readonly StreamWriter _writer;
    private readonly char _delimiter;
    private readonly string _newLine;
    private readonly SearchValues<char> _special;
    private bool _atRowStart = true;

    public CsvExportWriter(string path, ExportFormat format)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        _writer = new StreamWriter(stream, format.Encoding, 1 << 16);
        _delimiter = format.Delimiter;
        _newLine = format.NewLine;
        _special = SearchValues.Create([_delimiter, '"', '\r', '\n']);
    }

    public long Rows { get; private set; }

    public void Field(string value)
    {
        if (!_atRowStart)
        {
            _writer.Write(_delimiter);
        }
        _atRowStart = false;
        if (value.AsSpan().IndexOfAny(_special) < 0)
        {
            _writer.Write(value);
            return;
        }
        _writer.Write('"');
        _writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        _writer.Write('"');
    }

    public void Field(int value) =>
        Field(value >= 0 && value < SmallInts.Length ? SmallInts[value] : value.ToString(CultureInfo.InvariantCulture));

    public void Header(IEnumerable<string> names)
    {
        foreach (string n in names)
        {
            Field(n);
        }
        _writer.Write(_newLine);
        _atRowStart = true;
    }

    public void EndRow()
    {
        _writer.Write(_newLine);
        _atRowStart = true;
        Rows++;
    }

    public void Dispose() => _writer.Dispose();
}
