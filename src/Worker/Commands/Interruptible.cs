using Microsoft.Extensions.Hosting;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Commands;

/// <summary>A command's work, stopped by SIGTERM or Ctrl+C as run-once and import are: promptly, with exit code 130.</summary>
internal static class Interruptible
{
    /// <param name="stopped">What the operator is told, after "Interrupted: ", when the work was stopped.</param>
    public static async Task<int> RunAsync(IHost host, CancellationToken ct, string stopped, Func<CancellationToken, Task<int>> work)
    {
        using var stopping = host.StopOrCancel(ct);
        try
        {
            return await work(stopping.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"Interrupted: {stopped}");
            return ExitCodes.Interrupted;
        }
    }
}
