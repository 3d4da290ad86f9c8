namespace Skolnarvaro.Templating;

/// <summary>
/// The analysts' one folder of templates: the digests', the ops report's, the term report's and the rektor's pages', set at
/// Skolnarvaro:Notifications:TemplateFolder (where the digests' settings are) and read by every stage that renders.
/// </summary>
public static class TemplateFolders
{
    public const string Key = "Skolnarvaro:Notifications:TemplateFolder";

    public const string Default = "templates";

    /// <summary>The configured folder, or the default where none is set, resolved against <paramref name="baseDirectory"/>.</summary>
    public static string Resolve(string? configured, string baseDirectory) =>
        Path.GetFullPath(configured is { Length: > 0 } folder ? folder : Default, baseDirectory);
}
