using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Skolnarvaro.TestSupport;

/// <summary>
/// A real SMTP server process (Python aiosmtpd) on 127.0.0.1 that keeps every message it receives.
/// <code>
/// using var smtp = SmtpSink.StartNew();                  // or IClassFixture&lt;SmtpSink&gt; (then call Clear() per test)
/// ... send to smtp.Host:smtp.Port ...
/// var mails = await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10));
/// mails[0].Recipients.Should().Equal("rektor@skola.se");
/// smtp.Stop();  /* outage: connections are refused */  smtp.Start();  // back, same port
/// </code>
/// Needs python3 with aiosmtpd: <c>SKOLNARVARO_SMTP_PYTHON</c>, default /usr/bin/python3
/// (scripts/test.sh installs Debian's python3-aiosmtpd). Pass a user name and password to make
/// the server require SMTP AUTH (PLAIN/LOGIN, without TLS).
/// </summary>
public sealed class SmtpSink : IAsyncLifetime, IDisposable
{
    public const string PythonVariable = "SKOLNARVARO_SMTP_PYTHON";
    public const string DefaultPython = "/usr/bin/python3";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly TempDirectory _directory = new("smtp");
    private readonly string _scriptPath;
    private readonly string? _userName;
    private readonly string? _password;
    private readonly StringBuilder _output = new();
    private Process? _process;
    private bool _disposed;

    /// <summary>Creates the sink without starting it; see <see cref="Start"/> and <see cref="StartNew"/>.</summary>
    public SmtpSink() : this(null, null)
    {
    }

    public SmtpSink(string? userName, string? password)
    {
        if ((userName is null) != (password is null))
        {
            throw new ArgumentException("Give both a user name and a password, or neither.");
        }

        _userName = userName;
        _password = password;
        MessageFolder = _directory.CreateSubdirectory("messages");
        _scriptPath = _directory.File("smtp_sink.py");
        File.WriteAllText(_scriptPath, SmtpSinkScript.Source);
    }

    public string Host => "127.0.0.1";

    /// <summary>The port, chosen free at the first start and kept across Stop/Start; 0 before that.</summary>
    public int Port { get; private set; }

    /// <summary>Where each message is stored as <c>.eml</c> plus a <c>.json</c> envelope sidecar.</summary>
    public string MessageFolder { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Everything the server process wrote so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Messages received so far, oldest first, including those from before a restart.</summary>
    public IReadOnlyList<ReceivedMail> Messages =>
        Directory.GetFiles(MessageFolder, "*.json")
            .Order(StringComparer.Ordinal)
            .Select(ReceivedMail.Load)
            .ToList();

    public static SmtpSink StartNew(string? userName = null, string? password = null)
    {
        var sink = new SmtpSink(userName, password);
        try
        {
            sink.Start();
            return sink;
        }
        catch
        {
            sink.Dispose();
            throw;
        }
    }

    /// <summary>Starts the server (a no-op when running) and returns once it accepts connections.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsRunning)
        {
            return;
        }

        if (Port != 0)
        {
            // A restart must come back on the same port: that is the point of an outage test.
            StartProcess(Port);
            return;
        }

        // Another process may grab the free port between probing and binding; try a few.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            try
            {
                StartProcess(port);
                Port = port;
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    /// <summary>Kills the server, so that connections are refused, as in an outage. Messages are kept.</summary>
    public void Stop()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            // The parameterless overload also waits for the output handlers, so Output is complete.
            if (process.WaitForExit(10_000))
            {
                process.WaitForExit();
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>Forgets all received messages.</summary>
    public void Clear()
    {
        foreach (var file in Directory.GetFiles(MessageFolder))
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> messages have arrived and returns all of them;
    /// throws <see cref="TimeoutException"/> saying how many came if they do not arrive in time.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedMail>> WaitForMessagesAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var messages = Messages;
            if (messages.Count >= count)
            {
                return messages;
            }

            if (deadline.Elapsed >= timeout)
            {
                throw new TimeoutException(
                    $"Expected at least {count} message(s) at the SMTP sink on port {Port} within {timeout.TotalSeconds:0.#} s, " +
                    $"but {messages.Count} arrived. Server running: {IsRunning}. Server output:\n{Output}");
            }

            await Task.Delay(25, cancellationToken);
        }
    }

    Task IAsyncLifetime.InitializeAsync()
    {
        Start();
        return Task.CompletedTask;
    }

    Task IAsyncLifetime.DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Stop();
        _directory.Dispose();
    }

    private void StartProcess(int port)
    {
        var python = Environment.GetEnvironmentVariable(PythonVariable);
        if (string.IsNullOrWhiteSpace(python))
        {
            python = DefaultPython;
        }

        var startInfo = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true,   // the script exits when this pipe closes, i.e. when the test run dies
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory.Path,
        };
        // -I: ignore PYTHON* variables and the user's site-packages, so a pyenv setup cannot interfere.
        foreach (var argument in new[] { "-I", "-u", _scriptPath, MessageFolder, Host, port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (_userName is not null)
        {
            startInfo.ArgumentList.Add(_userName);
            startInfo.ArgumentList.Add(_password!);
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {python}.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"Could not start the SMTP sink with '{python}' ({ex.Message}). Install python3-aiosmtpd " +
                $"(scripts/smtp.sh install) or set {PythonVariable} to a python3 that has aiosmtpd.", ex);
        }

        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var waited = Stopwatch.StartNew();
        while (!AcceptsConnections(port))
        {
            if (process.HasExited || waited.Elapsed > StartTimeout)
            {
                Stop();
                var hint = Output.Contains("No module named 'aiosmtpd'", StringComparison.Ordinal)
                    ? $" '{python}' has no aiosmtpd: run scripts/smtp.sh install (Debian's python3-aiosmtpd) or set {PythonVariable}."
                    : string.Empty;
                throw new InvalidOperationException(
                    $"The SMTP sink did not start listening on {Host}:{port} (python: {python}).{hint} Output:\n{Output}");
            }

            Thread.Sleep(20);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private bool AcceptsConnections(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>
/// One message as the SMTP sink received it: the SMTP envelope and the raw message.
/// <code>
/// mail.MailFrom; mail.Recipients;              // envelope (MAIL FROM / RCPT TO), Bcc included
/// mail.Header("Subject");                     // raw header value, not decoded (=?utf-8?...)
/// var mime = MimeKit.MimeMessage.Load(new MemoryStream(mail.Raw));   // for real MIME parsing
/// </code>
/// </summary>
public sealed class ReceivedMail
{
    private ReceivedMail(string mailFrom, IReadOnlyList<string> recipients, byte[] raw, DateTimeOffset receivedAt, string? authenticatedUser, string emlPath)
    {
        MailFrom = mailFrom;
        Recipients = recipients;
        Raw = raw;
        ReceivedAt = receivedAt;
        AuthenticatedUser = authenticatedUser;
        EmlPath = emlPath;
    }

    /// <summary>Envelope sender (MAIL FROM); empty for a bounce.</summary>
    public string MailFrom { get; }

    /// <summary>Envelope recipients (RCPT TO), in the order given.</summary>
    public IReadOnlyList<string> Recipients { get; }

    /// <summary>The message exactly as transmitted after DATA (CRLF line endings).</summary>
    public byte[] Raw { get; }

    /// <summary><see cref="Raw"/> decoded as UTF-8.</summary>
    public string Text => Encoding.UTF8.GetString(Raw);

    public DateTimeOffset ReceivedAt { get; }

    /// <summary>The SMTP AUTH user name, when the sink required authentication.</summary>
    public string? AuthenticatedUser { get; }

    /// <summary>The stored <c>.eml</c> file.</summary>
    public string EmlPath { get; }

    /// <summary>The first header with this name (case-insensitive), unfolded but not decoded; null when absent.</summary>
    public string? Header(string name)
    {
        var text = Text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var end = text.IndexOf("\n\n", StringComparison.Ordinal);
        var headers = (end < 0 ? text : text[..end]).Replace("\n ", " ", StringComparison.Ordinal).Replace("\n\t", " ", StringComparison.Ordinal);
        foreach (var line in headers.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    public override string ToString() => $"{MailFrom} -> {string.Join(", ", Recipients)}: {Header("Subject")}";

    internal static ReceivedMail Load(string jsonPath)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
        var root = json.RootElement;
        var emlPath = Path.Combine(Path.GetDirectoryName(jsonPath)!, root.GetProperty("eml").GetString()!);
        return new ReceivedMail(
            root.GetProperty("mail_from").GetString() ?? string.Empty,
            root.GetProperty("rcpt_tos").EnumerateArray().Select(r => r.GetString()!).ToList(),
            File.ReadAllBytes(emlPath),
            root.GetProperty("received_at").GetDateTimeOffset(),
            root.GetProperty("auth_user").GetString(),
            emlPath);
    }
}
