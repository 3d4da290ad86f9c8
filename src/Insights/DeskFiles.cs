using System.Text;

namespace Skolnarvaro.Insights;

/// <summary>A file the desk writes, and how to write it to a given path.</summary>
public sealed record DeskFile(string Path, Func<string, Task> WriteTo)
{
    /// <summary>Text for people to read: UTF-8 without BOM.</summary>
    public static DeskFile Text(string path, string text, CancellationToken ct) =>
        new(path, to => File.WriteAllTextAsync(to, text, new UTF8Encoding(false), ct));

    /// <summary>A CSV file, written by <paramref name="write"/> to the path it is given.</summary>
    public static DeskFile Csv(string path, Action<string> write) => new(path, to =>
    {
        write(to);
        return Task.CompletedTask;
    });
}

/// <summary>The desk's pages, reports and figures appear whole, and together, or not at all.</summary>
public static class DeskFiles
{
    /// <summary>
    /// Writes each file beside its final name first and renames them only when all are written: a stopped or failed
    /// write leaves no half-written page, and a page never appears without the figures that go with it.
    /// </summary>
    public static async Task WriteAllAsync(IReadOnlyList<DeskFile> files)
    {
        var written = new List<(string Temporary, string Final)>();
        try
        {
            foreach (var file in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file.Path)!);
                var temporary = $"{file.Path}.{Guid.NewGuid():N}.tmp";
                written.Add((temporary, file.Path));
                await file.WriteTo(temporary);
            }
        }
        catch
        {
            written.ForEach(w => File.Delete(w.Temporary));
            throw;
        }

        foreach (var (temporary, final) in written)
        {
            File.Move(temporary, final, overwrite: true);
        }
    }
}
