using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Skolnarvaro.Notifications.Delivery;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Groups;
using Skolnarvaro.Notifications.Ops;
using Skolnarvaro.Notifications.Outbox;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;
using Skolnarvaro.Templating;

namespace Skolnarvaro.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    /// <summary>
    /// Digest templates (checked at start-up), the outbox and its sender. <paramref name="baseDirectory"/> resolves
    /// relative template and output folders. Expects an NpgsqlDataSource and a TimeProvider.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration, string baseDirectory)
    {
        services.AddSchoolRegistry(configuration);
        services.AddOptions<NotificationOptions>()
            .Bind(configuration.GetSection(NotificationOptions.Section))
            .PostConfigure(o =>
            {
                o.TemplateFolder = TemplateFolders.Resolve(o.TemplateFolder, baseDirectory);
                o.DryRunFolder = Path.GetFullPath(o.DryRunFolder, baseDirectory);
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>, DeliverySettingsValidator>();
        services.AddSingleton<IValidateOptions<NotificationOptions>, RecipientsValidator>();
        services.AddSingleton<IValidateOptions<NotificationOptions>, GroupDigestsValidator>();
        services.AddSingleton(sp => new DigestRenderer(sp.GetRequiredService<IOptions<NotificationOptions>>().Value.TemplateFolder));
        services.AddSingleton(sp => new OpsDigestRenderer(sp.GetRequiredService<IOptions<NotificationOptions>>().Value.TemplateFolder));
        services.AddSingleton(sp => new GroupDigestRenderer(sp.GetRequiredService<IOptions<NotificationOptions>>().Value.TemplateFolder));
        services.AddSingleton<GroupDigests>();
        services.AddSingleton(sp => new TeamDigestRenderer(sp.GetRequiredService<IOptions<NotificationOptions>>().Value.TemplateFolder));
        services.AddSingleton<TeamDigests>();
        services.TryAddSingleton<IDigestLinks, NoDigestLinks>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<OutboxSender>();
        services.AddSingleton<SchoolDigests>();
        services.AddSingleton<SchoolCaveats>();
        services.AddSingleton<OpsReport>();
        return services;
    }
}
