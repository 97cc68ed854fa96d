using System.Diagnostics;

namespace Realtime.Testing;

/// <summary>
/// One service of the system as a real OS process (the built service, run with <c>dotnet</c>),
/// so tests (and the bench) can kill it with SIGKILL mid-stream and start it again on the same
/// port. It runs in the <c>Testing</c> environment unless the given environment names another.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly string _service;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string _logPath;
    private Process? _process;

    /// <summary>A runtime switch of the starting process (the bench sets it for itself) that a service must not inherit.</summary>
    public const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public ServiceProcess(string name, string service, int port, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        _service = service;
        Port = port;
        _environment = environment;
        _logPath = Path.Combine(AppContext.BaseDirectory, "service-logs", $"{name}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(_logPath)!);
    }

    public string Name { get; }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    /// <summary>The running process's id (0 before the first start).</summary>
    public int ProcessId => _process is { HasExited: false } process ? process.Id : 0;

    /// <summary>Where its standard output and error go.</summary>
    public string LogPath => _logPath;

    /// <summary>Starts the process and waits until <paramref name="readyPath"/> answers success (<c>/alive</c> for a service expected not to be ready).</summary>
    public async Task StartAsync(string readyPath = "/health")
    {
        var directory = ServiceBuild.OutputOf(_service);
        var info = new ProcessStartInfo("dotnet", [Path.Combine(directory, $"Realtime.{_service}.dll")])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ASPNETCORE_URLS"] = Address.ToString();
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        info.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        info.Environment.Remove(InlineSocketCompletions);
        foreach (var (key, value) in _environment)
        {
            info.Environment[key] = value;
        }

        var log = new StreamWriter(_logPath, append: true) { AutoFlush = true };
        await log.WriteLineAsync($"==== start {DateTime.UtcNow:O}");
        _process = Process.Start(info) ?? throw new InvalidOperationException($"{Name} did not start");
        _process.OutputDataReceived += (_, e) => Write(log, e.Data);
        _process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.TrueAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}; see {_logPath}");
            }

            try
            {
                return (await http.GetAsync(new Uri(Address, readyPath))).IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), $"{Name} to answer {readyPath}");
    }

    /// <summary>SIGKILL without blocking a thread while the process goes away.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed or acknowledged.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}

/// <summary>Where the services were built, next to this test assembly's configuration.</summary>
public static class ServiceBuild
{
    public static string OutputOf(string service)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var directory = Path.Combine(RepositoryRoot(), "Services", $"Realtime.{service}", "bin", configuration, "net10.0");
        return File.Exists(Path.Combine(directory, $"Realtime.{service}.dll"))
            ? directory
            : throw new InvalidOperationException($"Realtime.{service} is not built at {directory}");
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Realtime.Aspire.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Realtime.Aspire.sln not found above the test assembly");
    }
}
