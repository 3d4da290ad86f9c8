using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Skolnarvaro.Worker.Orchestration;

/// <summary>
/// Answers the dashboard's failures that are not the server's fault with a status code and one log line, never a 500 with
/// a stack trace: a request of the wrong shape (GET on a form endpoint such as <c>/hangfire/stats</c>) gets 405 or 400, and
/// a database that cannot be reached gets 503.
/// </summary>
public sealed class DashboardErrors(ILogger logger)
{
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        try
        {
            await next();
        }
        catch (Exception e) when (!context.Response.HasStarted && Status(context, e) is { } status)
        {
            logger.LogWarning("Dashboard {Method} {Path}: {Status} ({Reason})", context.Request.Method, context.Request.Path, status, e.Message);
            context.Response.Clear();
            context.Response.StatusCode = status;
            if (status == StatusCodes.Status405MethodNotAllowed)
            {
                context.Response.Headers.Allow = "POST";
            }
        }
    }

    private static int? Status(HttpContext context, Exception e) => e switch
    {
        // Hangfire reads the form of a POST-only endpoint whatever the method; without a form body that throws.
        InvalidOperationException when !context.Request.HasFormContentType && !HttpMethods.IsPost(context.Request.Method)
            => StatusCodes.Status405MethodNotAllowed,
        InvalidOperationException or BadHttpRequestException or FormatException when !context.Request.HasFormContentType
            => StatusCodes.Status400BadRequest,
        NpgsqlException or TimeoutException => StatusCodes.Status503ServiceUnavailable,
        _ => null,
    };
}
