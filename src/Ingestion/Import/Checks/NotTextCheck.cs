using Skolnarvaro.Ingestion.Parsing;

namespace Skolnarvaro.Ingestion.Import.Checks;

/// <summary>A file that is not a text export at all (UTF-16, gzip, a zip or xlsx workbook, binary data) is named for what it is.</summary>
internal static class NotTextCheck
{
    public static Rejection? Check(string fileName, string path) =>
        FileSniff.NotText(path) is { } notText
            ? Rejection.Whole($"{fileName}: rejected, nothing imported: {notText}.", 1, notText)
            : null;
}
