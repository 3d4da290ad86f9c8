namespace Skolnarvaro.Worker.Commands;

/// <summary>Exit codes scripts can trust.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The work failed (a school failed in a run, an unexpected error).</summary>
    public const int Failed = 1;
    /// <summary>Configuration or command-line error: nothing was done.</summary>
    public const int BadConfiguration = 2;
    /// <summary>At least one file was rejected; the others were imported.</summary>
    public const int FileRejected = 3;
    /// <summary>Stopped by SIGTERM or Ctrl+C before the work was done (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}
