using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.DependencyInjection;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;
using Skolnarvaro.Worker.Runs;

namespace Skolnarvaro.Worker.Orchestration;

/// <summary>Hangfire on the pipeline's own PostgreSQL database, in the schema <c>hangfire</c>.</summary>
public static class HangfireSetup
{
    public const string Schema = "hangfire";

    public static PostgreSqlStorageOptions StorageOptions(OrchestrationOptions o) => new()
    {
        SchemaName = Schema,
        PrepareSchemaIfNecessary = true,
        QueuePollInterval = o.QueuePollInterval,
        InvisibilityTimeout = o.InvisibilityTimeout,
        // A live worker keeps renewing its job's fetch time, so a long import is never taken over by another worker;
        // the job of a killed worker becomes visible again once InvisibilityTimeout has passed.
        UseSlidingInvisibilityTimeout = true,
    };

    /// <summary>Storage for the command line (enqueueing, status), without a server.</summary>
    public static JobStorage Storage(string connectionString, OrchestrationOptions o) =>
        new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, StorageOptions(o), null), StorageOptions(o));

    /// <summary>Hangfire client and server in the worker, sharing the host's services (jobs are resolved from them).</summary>
    public static IServiceCollection AddPipelineHangfire(this IServiceCollection services, string connectionString, OrchestrationOptions o)
    {
        ReplaceRetryFilter(o);
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(c => c.UseNpgsqlConnection(connectionString), StorageOptions(o)));
        services.AddHangfireServer(server =>
        {
            server.ServerName = RunStore.WorkerName;
            server.WorkerCount = o.WorkerCount;
            server.SchedulePollingInterval = o.QueuePollInterval;
            server.ShutdownTimeout = TimeSpan.FromSeconds(30);
        });
        services.AddTransient<NightlyJobs>();
        services.AddTransient<TermReportJob>();
        services.AddTransient<RetrainJob>();
        return services;
    }

    /// <summary>Hangfire's default is 10 attempts with delays growing to hours; ours come from configuration.</summary>
    private static void ReplaceRetryFilter(OrchestrationOptions o)
    {
        foreach (var filter in GlobalJobFilters.Filters.Where(f => f.Instance is AutomaticRetryAttribute).ToList())
        {
            GlobalJobFilters.Filters.Remove(filter.Instance);
        }

        GlobalJobFilters.Filters.Add(new AutomaticRetryAttribute
        {
            Attempts = o.RetryAttempts,
            DelaysInSeconds = o.RetryDelaysSeconds,
            OnAttemptsExceeded = AttemptsExceededAction.Fail,
        });
    }

    /// <summary>The recurring jobs, from configuration: an empty cron removes one. Every worker registers the same definitions.</summary>
    public static void RegisterRecurringJobs(IRecurringJobManager manager, OrchestrationOptions o)
    {
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(o.TimeZone);
        }
        catch (TimeZoneNotFoundException)
        {
            throw new ConfigurationException($"{OrchestrationOptions.Section}:TimeZone = '{o.TimeZone}': not a time zone; expected e.g. Europe/Stockholm.");
        }

        if (!Enum.TryParse<MisfireHandlingMode>(o.MisfireHandling, ignoreCase: true, out var misfire))
        {
            throw new ConfigurationException(
                $"{OrchestrationOptions.Section}:MisfireHandling = '{o.MisfireHandling}': expected Relaxed, Strict or Ignorable.");
        }

        var options = new RecurringJobOptions { TimeZone = zone, MisfireHandling = misfire };
        Register(manager, "nightly", nameof(o.NightlyCron), o.NightlyCron, options,
            m => m.AddOrUpdate<NightlyJobs>("nightly", j => j.StartAsync(null, CancellationToken.None), o.NightlyCron, options));
        Register(manager, "deliver", nameof(o.DeliveryCron), o.DeliveryCron, options,
            m => m.AddOrUpdate<NightlyJobs>("deliver", j => j.DeliverAsync(CancellationToken.None), o.DeliveryCron, options));
        Register(manager, "retrain", nameof(o.RetrainCron), o.RetrainCron, options,
            m => m.AddOrUpdate<RetrainJob>("retrain", j => j.TrainAsync(CancellationToken.None), o.RetrainCron, options));
        Register(manager, "term-report", nameof(o.TermReportCron), o.TermReportCron, options,
            m => m.AddOrUpdate<TermReportJob>("term-report", j => j.WriteAsync(CancellationToken.None), o.TermReportCron, options));
    }

    private static void Register(
        IRecurringJobManager manager, string id, string key, string cron, RecurringJobOptions options, Action<IRecurringJobManager> add)
    {
        if (string.IsNullOrWhiteSpace(cron))
        {
            manager.RemoveIfExists(id);
            return;
        }

        try
        {
            add(manager);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException($"{OrchestrationOptions.Section}:{key} = '{cron}': not a cron expression ({e.Message}).");
        }
    }
}
