using Skolnarvaro.Templating;

namespace Skolnarvaro.Notifications.Digests;

/// <summary>
/// A digest template file an analyst may edit (<see cref="StrictTemplate"/>): parsed on load, rendered with strict
/// variables, and every error reported as a <see cref="TemplateException"/> with file, line and column.
/// </summary>
public sealed class CheckedTemplate(string path)
{
    private readonly StrictTemplate template = new(path, TemplateFolders.Key, message => new TemplateException(message));

    /// <summary>Renders with the model's properties as snake_case globals (school.name, pupils…), in Swedish culture.</summary>
    public string Render(object model) => template.Render(model);
}

public sealed class TemplateException(string message) : Exception(message);
