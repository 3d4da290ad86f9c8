using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
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
        DistributedLockTimeout = o.DistributedLockTimeout,
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
            DelaysInSeconds = o.EffectiveRetryDelaysSeconds,
            OnAttemptsExceeded = AttemptsExceededAction.Fail,
        });
    }

    /// <summary>
    /// The recurring jobs, from configuration: an empty cron removes one. Every worker registers the same definitions.
    /// Registering a job takes its Hangfire lock (<c>hangfire:lock:recurring-job:&lt;id&gt;</c>). A worker killed while it held
    /// one leaves the lock behind until Hangfire.PostgreSql frees it (<see cref="OrchestrationOptions.DistributedLockTimeout"/>), so a job
    /// whose lock is held is retried with back-off, logged, while the worker already runs jobs. The options are validated.
    /// </summary>
    public static async Task RegisterRecurringJobsAsync(IRecurringJobManager manager, OrchestrationOptions o, ILogger logger, CancellationToken ct)
    {
        var options = new RecurringJobOptions
        {
            TimeZone = TimeZoneInfo.FindSystemTimeZoneById(o.TimeZone),
            MisfireHandling = Enum.Parse<MisfireHandlingMode>(o.MisfireHandling, ignoreCase: true),
        };
        var lockTimeout = o.DistributedLockTimeout;
        await RegisterAsync(manager, "nightly", o.NightlyCron, lockTimeout, logger, ct,
            m => m.AddOrUpdate<NightlyJobs>("nightly", j => j.StartAsync(null, CancellationToken.None), o.NightlyCron, options));
        await RegisterAsync(manager, "deliver", o.DeliveryCron, lockTimeout, logger, ct,
            m => m.AddOrUpdate<NightlyJobs>("deliver", j => j.DeliverAsync(CancellationToken.None), o.DeliveryCron, options));
        await RegisterAsync(manager, "retrain", o.RetrainCron, lockTimeout, logger, ct,
            m => m.AddOrUpdate<RetrainJob>("retrain", j => j.TrainAsync(CancellationToken.None), o.RetrainCron, options));
        await RegisterAsync(manager, "term-report", o.TermReportCron, lockTimeout, logger, ct,
            m => m.AddOrUpdate<TermReportJob>("term-report", j => j.WriteAsync(CancellationToken.None), o.TermReportCron, options));
    }

    /// <summary>Waits between attempts at a locked recurring job: 1, 2, 4, 8, 16, then every 30 seconds.</summary>
    public static TimeSpan RetryDelay(int attempt) => TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt - 1)));

    private static async Task RegisterAsync(
        IRecurringJobManager manager, string id, string cron, TimeSpan lockTimeout, ILogger logger, CancellationToken ct,
        Action<IRecurringJobManager> add)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Hangfire waits up to 15 s for the lock itself, on this thread.
                await Task.Run(() =>
                {
                    if (string.IsNullOrWhiteSpace(cron))
                    {
                        manager.RemoveIfExists(id);
                    }
                    else
                    {
                        add(manager);
                    }
                }, ct);
                if (attempt > 1)
                {
                    logger.LogInformation("Recurring job '{Job}' registered at attempt {Attempt}", id, attempt);
                }

                return;
            }
            catch (Exception e) when (IsLockOrOutage(e) && !ct.IsCancellationRequested)
            {
                var delay = RetryDelay(attempt);
                logger.LogWarning(
                    "Recurring job '{Job}' not registered yet (attempt {Attempt}): {Reason}. Its lock is left by a worker that stopped while " +
                    "scheduling it, or the database is unreachable; Hangfire frees a dead worker's lock after {LockTimeout}. Retrying in {Delay} s; " +
                    "this worker runs jobs meanwhile", id, attempt, e.Message, lockTimeout, delay.TotalSeconds);
                await Task.Delay(delay, ct);
            }
        }
    }

    private static bool IsLockOrOutage(Exception e) =>
        e is DistributedLockTimeoutException or PostgreSqlDistributedLockException or NpgsqlException { IsTransient: true }
        || (e.InnerException is { } inner && IsLockOrOutage(inner));
}
