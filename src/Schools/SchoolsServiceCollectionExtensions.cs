using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Skolnarvaro.Calendar;

namespace Skolnarvaro.Schools;

public static class SchoolsServiceCollectionExtensions
{
    /// <summary>
    /// The school registry (Skolnarvaro:Schools), validated at start-up, and the school calendar with each school's own
    /// calendar from it. Every stage adds it; it is registered once.
    /// </summary>
    public static IServiceCollection AddSchoolRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(SchoolRegistry)))
        {
            return services;
        }

        services.AddOptions<SchoolRegistryOptions>()
            .Bind(configuration.GetSection(SchoolRegistryOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SchoolRegistryOptions>, SchoolRegistryValidator>();
        services.AddSingleton(_ => SchoolRegistry.Read(configuration));
        services.AddSchoolCalendar(configuration);
        services.AddOptions<CalendarOptions>().PostConfigure<SchoolRegistry>((calendar, registry) =>
            calendar.Schools = registry.Select(s => new SchoolCalendarEntry { Skolenhetskod = s.Skolenhetskod, Calendar = s.Calendar }).ToList());
        return services;
    }
}
