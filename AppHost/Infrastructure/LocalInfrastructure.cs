using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Realtime.AppHost.Infrastructure;

/// <summary>
/// Redis and PostgreSQL as locally installed programs (no container runtime needed). Each gets
/// a real readiness check, and a missing program stops the AppHost with the package to install.
/// </summary>
internal static class LocalInfrastructure
{
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static BackingServices Add(IDistributedApplicationBuilder builder, string historyDatabase)
    {
        var dataDirectory = LocalDataDirectory.Create(builder.Configuration);
        var redis = AddRedis(builder, dataDirectory);
        var postgres = AddPostgres(builder, dataDirectory, historyDatabase);
        return new BackingServices(redis, postgres, Kafka: null, LogTransport: "RedisStreams", [redis, postgres]);
    }

    private static IResourceBuilder<LocalRedisResource> AddRedis(IDistributedApplicationBuilder builder, string dataDirectory)
    {
        Require("redis-server", "redis-server");
        var directory = Directory.CreateDirectory(Path.Combine(dataDirectory, "redis")).FullName;
        var resource = new LocalRedisResource("redis", directory);
        var healthKey = "redis-ping";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthKey, ct => RedisPingAsync(resource, ct));
        return builder.AddResource(resource)
            .WithEndpoint(name: "tcp", scheme: "tcp", targetPort: null, isProxied: true)
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(resource.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                // Development data is disposable: no snapshots, no append-only file.
                context.Args.Add("--save");
                context.Args.Add("");
                context.Args.Add("--appendonly");
                context.Args.Add("no");
                context.Args.Add("--dir");
                context.Args.Add(directory);
            })
            .WithHealthCheck(healthKey);
    }

    private static IResourceBuilder<LocalPostgresResource> AddPostgres(IDistributedApplicationBuilder builder, string dataDirectory, string database)
    {
        var binDirectory = PostgresBinDirectory(builder.Configuration);
        var script = Path.Combine(AppContext.BaseDirectory, "Infrastructure", "postgres-local.sh");
        var directory = Path.Combine(dataDirectory, "postgres");
        var resource = new LocalPostgresResource("postgres", script, dataDirectory, database);
        var healthKey = "postgres-ready";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthKey, ct => PostgresReadyAsync(resource, ct));
        return builder.AddResource(resource)
            .WithEndpoint(name: "tcp", scheme: "tcp", targetPort: null, isProxied: true)
            .WithArgs(context =>
            {
                context.Args.Add(directory);
                context.Args.Add(resource.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add(binDirectory);
                context.Args.Add(database);
            })
            .WithHealthCheck(healthKey);
    }

    private static async Task<HealthCheckResult> RedisPingAsync(LocalRedisResource redis, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", redis.Endpoint.Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("redis-server did not answer PING");
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("redis-server not reachable", e);
        }
    }

    private static async Task<HealthCheckResult> PostgresReadyAsync(LocalPostgresResource postgres, CancellationToken cancellationToken)
    {
        try
        {
            var connectionString = $"Host=127.0.0.1;Port={postgres.Endpoint.Port};Username=postgres;Database={postgres.Database};Timeout=2;Pooling=false";
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL not ready", e);
        }
    }

    private static string PostgresBinDirectory(ConfigurationManager configuration)
    {
        var configured = configuration["Infrastructure:PostgresBinDirectory"];
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return installed ?? throw new DistributedApplicationException(
            "PostgreSQL was not found (no /usr/lib/postgresql/<version>/bin/initdb). Install it: sudo apt-get install -y postgresql " +
            "(or set Infrastructure:PostgresBinDirectory).");
    }

    private static void Require(string program, string package)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
        if (!found)
        {
            throw new DistributedApplicationException(
                $"{program} was not found on PATH. Install it: sudo apt-get install -y {package}");
        }
    }
}
