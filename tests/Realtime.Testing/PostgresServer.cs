using System.Diagnostics;
using Npgsql;

namespace Realtime.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster (initdb + pg_ctl) on a free loopback port, run as the
/// postgres user when the tests run as root; stopped and removed on dispose.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _bin;

    private PostgresServer(string directory, string bin, int port)
    {
        _directory = directory;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true";

    /// <summary>
    /// Starts a cluster. A <paramref name="throwaway"/> one (tests) skips fsync and synchronous
    /// commit; otherwise it runs with PostgreSQL's own durable defaults (the bench).
    /// </summary>
    public static async Task<PostgresServer> StartAsync(bool throwaway = true)
    {
        var bin = FindBinDirectory();
        var port = FreePort.Next();
        var directory = Path.Combine(Path.GetTempPath(), "rt-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var server = new PostgresServer(directory, bin, port);
        if (IsRoot)
        {
            await RunAsync("chown", ["postgres:postgres", directory]);
        }

        await server.RunAsPostgresAsync(Path.Combine(bin, "initdb"),
            ["-D", Path.Combine(directory, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"]);
        await server.RunAsPostgresAsync(Path.Combine(bin, "pg_ctl"),
            ["-D", Path.Combine(directory, "data"), "-l", Path.Combine(directory, "server.log"), "-w", "-t", "30",
             "-o", $"-h 127.0.0.1 -p {port} -k {directory}" + (throwaway ? " -F -c synchronous_commit=off -c full_page_writes=off" : ""), "start"]);
        return server;
    }

    /// <summary>The postmaster's process id (its backends are its children).</summary>
    public int ProcessId => int.Parse(File.ReadLines(Path.Combine(_directory, "data", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    public async Task CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static bool IsRoot => Environment.UserName == "root";

    private Task RunAsPostgresAsync(string program, string[] args) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. args]) : RunAsync(program, args);

    private static async Task RunAsync(string program, string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await stderr}{await stdout}");
        }
    }

    private static string FindBinDirectory() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb"))).Order(StringComparer.Ordinal).LastOrDefault()
              ?? throw new InvalidOperationException("PostgreSQL not installed (apt-get install -y postgresql)")
            : throw new InvalidOperationException("PostgreSQL not installed (apt-get install -y postgresql)");
}
