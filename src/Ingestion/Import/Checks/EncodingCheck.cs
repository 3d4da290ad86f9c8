using System.Text;
using Skolnarvaro.Ingestion.Parsing;
using Skolnarvaro.Ingestion.Profiles;

namespace Skolnarvaro.Ingestion.Import.Checks;

/// <summary>
/// Bytes that are not text in the profile's encoding reject the file: read anyway they would be stored as
/// replacement characters (UTF-8) or as mojibake (a UTF-8 file read as Windows-1252).
/// </summary>
internal static class EncodingCheck
{
    public static Rejection? Check(string fileName, string path, ResolvedProfile profile, FileScan scan) =>
        Problem(profile, scan, path) is { } encoding
            ? Rejection.Whole($"{fileName}: rejected, nothing imported: {encoding.Message}", encoding.Line, encoding.Message)
            : null;

    private static (int Line, string Message)? Problem(ResolvedProfile profile, FileScan scan, string path)
    {
        if (scan.FirstReplacementCharacter is { } r)
        {
            return (r.Line, $"line {r.Line}, byte {r.Offset}: the file holds the replacement character U+FFFD, so an earlier conversion " +
                "already lost characters; export it again from the school's system");
        }

        if (profile.Encoding is UTF8Encoding && scan.FirstInvalidUtf8 is { } cut && FileSniff.IsCutUtf8Character(path, cut.Offset))
        {
            return (cut.Line, $"line {cut.Line}, byte {cut.Offset}: a character is cut in two (bytes of a UTF-8 character are missing), in a file " +
                "that is otherwise UTF-8: the file was damaged on its way here; export it again from the school's system");
        }

        if (profile.Encoding is UTF8Encoding && scan.FirstInvalidUtf8 is { } bad)
        {
            return (bad.Line, $"line {bad.Line}, byte {bad.Offset}: not valid UTF-8, the encoding of profile '{profile.Name}'; " +
                "it looks like Windows-1252: set Encoding in the school's ProfileOverrides (\"Encoding\": \"windows-1252\")");
        }

        if (profile.Encoding is not UTF8Encoding && scan.IsValidUtf8 && scan.FirstNonAscii is { } utf8)
        {
            return (utf8.Line, $"line {utf8.Line}, byte {utf8.Offset}: the file is UTF-8 but profile '{profile.Name}' reads {profile.Encoding.WebName}, which would garble every å, ä and ö; " +
                "it looks like UTF-8: set Encoding in the school's ProfileOverrides (\"Encoding\": \"utf-8\")");
        }

        return null;
    }
}
