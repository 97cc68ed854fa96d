using System.Globalization;
using Realtime.Bench.Measurement;
using Realtime.Testing;

namespace Realtime.Bench.SystemUnderTest;

/// <summary>
/// The system as production runs it, on this machine: the four services as plain Release
/// processes (two gateways, one fanout, one history, one presence) over a local redis-server
/// (no persistence) and PostgreSQL (its durable defaults), no dashboard, telemetry collected
/// but not exported. Everything it starts, it stops.
/// </summary>
internal sealed class LocalSystem : ISystemUnderTest
{
    /// <summary>The bench's namespace: presence, history of 100 for 300 s, forced recovery (the IM and storm scenarios).</summary>
    public const string ChatNamespace = "im";

    /// <summary>Like <see cref="ChatNamespace"/>, and any client may publish (the fanout scenario's publishers do not subscribe).</summary>
    public const string BroadcastNamespace = "fan";

    private readonly string _tokenSecret = "bench-" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
    private readonly RedisServer _redis;
    private readonly PostgresServer _postgres;
    private readonly List<ServiceProcess> _services = [];
    private ServiceProcess[] _gateways = [];

    private LocalSystem(RedisServer redis, PostgresServer postgres)
    {
        _redis = redis;
        _postgres = postgres;
    }

    public IReadOnlyList<Uri> Gateways => Array.ConvertAll(_gateways, g => new Uri($"ws://127.0.0.1:{g.Port}/connection/websocket"));

    public IReadOnlyList<WatchedProcess> Watched
    {
        get
        {
            var watched = _services.ConvertAll(s => new WatchedProcess(s.Name, s.ProcessId));
            watched.Add(new WatchedProcess("redis", _redis.ProcessId));
            watched.Add(new WatchedProcess("postgres", _postgres.ProcessId, WithChildren: true));
            return watched;
        }
    }

    public string? TokenSecret => _tokenSecret;

    public bool OwnsGateways => true;

    public static async Task<LocalSystem> StartAsync(int gateways, IReadOnlyDictionary<string, string> overrides, TextWriter log)
    {
        log.WriteLine("Starting redis-server and PostgreSQL…");
        var redis = RedisServer.StartAsync();
        var postgres = await PostgresServer.StartAsync(throwaway: false);
        await postgres.CreateDatabaseAsync("historydb");
        var system = new LocalSystem(await redis, postgres);
        try
        {
            await system.StartServicesAsync(gateways, overrides, log);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>Where each service answers HTTP (health, metrics, server API), and its process id.</summary>
    public IEnumerable<(string Name, Uri Address, int Pid)> Services => _services.Select(s => (s.Name, s.Address, s.ProcessId));

    public Task KillGatewayAsync(int index) => _gateways[index].KillAsync();

    public Task RestartGatewayAsync(int index) => _gateways[index].StartAsync();

    private async Task StartServicesAsync(int gateways, IReadOnlyDictionary<string, string> overrides, TextWriter log)
    {
        var presence = FreePort.Next();
        var history = FreePort.Next();
        var environment = Environment(presence, history);
        foreach (var (key, value) in overrides)
        {
            if (!key.Contains(':', StringComparison.Ordinal))
            {
                environment[key] = value;
            }
        }

        log.WriteLine("Starting presence, history, fanout and {0} gateways (Release builds)…", gateways);
        var presenceService = new ServiceProcess("presence", "Presence", presence, For("presence"));
        var historyService = new ServiceProcess("history", "History", history, For("history"));
        _services.AddRange([presenceService, historyService]);
        await Task.WhenAll(presenceService.StartAsync(), historyService.StartAsync());

        var fanout = new ServiceProcess("fanout", "Fanout", FreePort.Next(), For("fanout"));
        _gateways = new ServiceProcess[gateways];
        for (var i = 0; i < gateways; i++)
        {
            var own = For("gateway");
            own["Gateway__NodeName"] = $"gateway-{i + 1}";
            _gateways[i] = new ServiceProcess($"gateway-{i + 1}", "Gateway", FreePort.Next(), own);
        }

        _services.Add(fanout);
        _services.AddRange(_gateways);
        await Task.WhenAll([fanout.StartAsync(), .. _gateways.Select(g => g.StartAsync())]);

        // "--set fanout:Key=Value" configures one service only.
        Dictionary<string, string> For(string service)
        {
            var own = new Dictionary<string, string>(environment);
            foreach (var (key, value) in overrides)
            {
                if (key.StartsWith(service + ":", StringComparison.Ordinal))
                {
                    own[key[(service.Length + 1)..]] = value;
                }
            }

            return own;
        }

        log.WriteLine("System up: gateways {0}", string.Join(", ", Gateways));
    }

    private Dictionary<string, string> Environment(int presencePort, int historyPort)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__redis"] = _redis.ConnectionString,
            ["ConnectionStrings__historydb"] = _postgres.ConnectionString("historydb"),
            ["services__presence__http__0"] = $"http://127.0.0.1:{presencePort}",
            ["services__history__http__0"] = $"http://127.0.0.1:{historyPort}",
            ["Messaging__Transport"] = "RedisStreams",
            ["Gateway__Token__HmacSecretKey"] = _tokenSecret,
            // The idle scenario holds 19,000 sockets on one gateway, above the default node limit
            // (18,000, sized for a 20,000-descriptor process); the bench raises the descriptor limit.
            ["Gateway__MaxConnections"] = "25000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, anyClientPublishes) in new[] { (ChatNamespace, false), (BroadcastNamespace, true) })
        {
            var prefix = $"Channels__Namespaces__{name}__";
            environment[prefix + "Presence"] = "true";
            environment[prefix + "HistorySize"] = "100";
            environment[prefix + "HistoryTtl"] = TimeSpan.FromSeconds(300).ToString("c", CultureInfo.InvariantCulture);
            environment[prefix + "ForceRecovery"] = "true";
            environment[prefix + "AllowSubscribeForClient"] = "true";
            environment[prefix + "AllowPublishForSubscriber"] = "true";
            environment[prefix + "AllowPublishForClient"] = anyClientPublishes ? "true" : "false";
        }

        return environment;
    }

    public async Task<bool> WaitUntilDrainedAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        await using var redis = await _redis.ConnectAsync();
        var server = redis.GetServers()[0];
        var database = redis.GetDatabase();
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (await IsDrainedAsync(server, database))
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>Every consumer group of every log partition has read everything and acknowledged it.</summary>
    private static async Task<bool> IsDrainedAsync(StackExchange.Redis.IServer server, StackExchange.Redis.IDatabase database)
    {
        // The partitions' streams (rt:log:{topic:n}), not the leases and member sets beside them.
        await foreach (var stream in server.KeysAsync(pattern: "rt:log:{*}"))
        {
            foreach (var group in await database.StreamGroupInfoAsync(stream))
            {
                if (group.PendingMessageCount > 0 || group.Lag is not 0)
                {
                    return false;
                }
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in Enumerable.Reverse(_services))
        {
            await service.DisposeAsync();
        }

        await _redis.DisposeAsync();
        await _postgres.DisposeAsync();
    }
}
