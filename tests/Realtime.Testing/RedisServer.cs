using System.Diagnostics;
using StackExchange.Redis;

namespace Realtime.Testing;

/// <summary>A private redis-server child process on a free loopback port; killed and removed on dispose.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process _process;
    private readonly string _directory;
    private readonly bool _persistent;

    private RedisServer(Process process, string directory, int port, bool persistent)
    {
        _process = process;
        _directory = directory;
        Port = port;
        _persistent = persistent;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <param name="port">The port to listen on (a restart reuses it); null picks a free one.</param>
    /// <param name="persistent">
    /// Keep every write in an append-only file synced on each write (as production runs Redis
    /// under the guarantees), so <see cref="RestartAsync"/> comes back with the data.
    /// </param>
    public static async Task<RedisServer> StartAsync(int? port = null, bool persistent = false)
    {
        var chosen = port ?? FreePort.Next();
        var directory = Directory.CreateTempSubdirectory("rt-redis-").FullName;
        var server = new RedisServer(Launch(chosen, directory, persistent), directory, chosen, persistent);
        await Eventually.TrueAsync(server.PingsAsync, TimeSpan.FromSeconds(10), "redis-server to answer PING");
        return server;
    }

    /// <summary>
    /// SIGKILLs the server and starts it again on the same port and directory: a persistent
    /// server comes back with every write it acknowledged, another one empty.
    /// </summary>
    public async Task RestartAsync()
    {
        Kill();
        _process.Dispose();
        _process = Launch(Port, _directory, _persistent);
        await Eventually.TrueAsync(PingsAsync, TimeSpan.FromSeconds(30), "redis-server to answer PING after a restart");
    }

    private static Process Launch(int port, string directory, bool persistent)
    {
        var process = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", persistent ? "yes" : "no", "--appendfsync", "always", "--dir", directory, "--daemonize", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start (apt-get install -y redis-server)");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public async Task<ConnectionMultiplexer> ConnectAsync() =>
        await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},abortConnect=false");

    /// <summary>Kills the server with SIGKILL (losing all data) — for crash tests.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    private async Task<bool> PingsAsync()
    {
        try
        {
            await using var mux = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},connectTimeout=500");
            await mux.GetDatabase().PingAsync();
            return true;
        }
        catch (RedisException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
