using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Skolnarvaro.Calendar;

public static class CalendarServiceCollectionExtensions
{
    /// <summary>
    /// The school calendar (Skolnarvaro:Calendar), validated at start-up; each school's own calendar comes from the school
    /// registry, which adds this. Registered once.
    /// </summary>
    public static IServiceCollection AddSchoolCalendar(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(SchoolCalendar)))
        {
            return services;
        }

        services.AddOptions<CalendarOptions>()
            .Bind(configuration.GetSection(CalendarOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CalendarOptions>, CalendarOptionsValidator>());
        services.AddSingleton<SchoolCalendar>();
        return services;
    }

    private sealed class CalendarOptionsValidator : IValidateOptions<CalendarOptions>
    {
        public ValidateOptionsResult Validate(string? name, CalendarOptions options)
        {
            try
            {
                _ = new SchoolCalendar(options);
                return ValidateOptionsResult.Success;
            }
            catch (OptionsValidationException e)
            {
                return ValidateOptionsResult.Fail(e.Failures);
            }
        }
    }
}
