using System.Text.Encodings.Web;
using System.Text.Json;

namespace Skolnarvaro.Generator;

/// <summary>Writes the school registry as configuration JSON (section "Skolnarvaro").</summary>
internal static class SchoolsJsonWriter
{
    public static void Write(string path, IReadOnlyList<School> schools)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });

        w.WriteStartObject();
        w.WriteStartObject("Skolnarvaro");

        w.WriteStartObject("Profiles");
        w.WriteStartObject(SchoolTemplate.VklassProfileName);
        w.WriteString("Kind", "Lessons");
        w.WriteString("Encoding", "windows-1252");
        w.WriteString("Delimiter", ",");
        w.WriteString("DateFormat", "dd/MM/yyyy");
        w.WriteString("TimeFormat", "HH.mm");
        w.WriteString("DecimalSeparator", ".");
        w.WriteStartObject("Columns");
        for (int i = 0; i < SchoolTemplate.LessonColumnKeys.Length; i++)
        {
            w.WriteString(SchoolTemplate.LessonColumnKeys[i], SchoolTemplate.VklassHeaders[i]);
        }
        w.WriteEndObject();
        w.WriteStartObject("StatusCodes");
        for (int i = 0; i < SchoolTemplate.VklassCodes.Length; i++)
        {
            w.WriteString(SchoolTemplate.VklassCodes[i], SchoolTemplate.VklassCodeMeanings[i]);
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("Schools");
        foreach (var s in schools)
        {
            w.WriteStartObject();
            w.WriteString("Skolenhetskod", s.Code);
            w.WriteString("Name", s.Name);
            w.WriteString("Driftsform", s.Independent ? "Independent" : "Municipal");
            w.WriteString("Huvudman", s.Huvudman);
            w.WriteStartArray("Rektorer");
            foreach (var r in s.Rektorer)
            {
                w.WriteStartObject();
                w.WriteString("Name", r.Name);
                w.WriteString("Email", r.Email);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            // Every school's elevhälsoteam has one shared address, the way schools usually run it; drawn from nothing random,
            // so adding it moved no other byte of the sample.
            w.WriteStartArray("Elevhalsan");
            w.WriteStartObject();
            w.WriteString("Name", "Elevhälsan");
            w.WriteString("Email", $"elevhalsan@{s.Slug}.example.se");
            w.WriteEndObject();
            w.WriteEndArray();
            // A municipal school's skolnärvaroteam is the municipality's; an independent school's is its huvudman's own. One
            // team address serves every school of its huvudman, so the team's digest and view span them.
            if (s.Template.HasSkolnarvaroteam)
            {
                w.WriteStartArray("Skolnarvaroteam");
                w.WriteStartObject();
                w.WriteString("Name", "Skolnärvaroteamet");
                w.WriteString("Email", $"skolnarvaroteamet@{DomainOf(s.Huvudman)}.example.se");
                w.WriteEndObject();
                w.WriteEndArray();
            }

            w.WriteString("Profile", s.Profile);
            if (s.Template.ProfileOverrides.Count > 0)
            {
                w.WriteStartObject("ProfileOverrides");
                foreach (var kv in s.Template.ProfileOverrides)
                {
                    w.WriteString(kv.Key, kv.Value);
                }
                w.WriteEndObject();
            }
            w.WriteString("Inbox", "inbox/" + s.Code);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteEndObject();
        w.WriteEndObject();
        w.Flush();
        stream.WriteByte((byte)'\n');
    }

    /// <summary>"Exempelstads kommun" → "exempelstad", "Kunskapsträdet Skolor AB" → "kunskapstradet": the huvudman's first word, in ASCII.</summary>
    private static string DomainOf(string huvudman)
    {
        var word = huvudman.Split(' ')[0].ToLowerInvariant().Replace('å', 'a').Replace('ä', 'a').Replace('ö', 'o');
        word = new string(word.Where(char.IsAsciiLetterOrDigit).ToArray());
        return huvudman.EndsWith(" kommun", StringComparison.Ordinal) && word.EndsWith('s') ? word[..^1] : word;
    }
}
