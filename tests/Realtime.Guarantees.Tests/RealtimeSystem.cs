using Npgsql;
using Realtime.Testing;

namespace Realtime.Guarantees.Tests;

/// <summary>
/// The whole system as separate processes over real Redis and PostgreSQL (and librdkafka's
/// mock Kafka cluster for the Kafka log): presence, history, two fanout instances and two
/// gateways. Every piece can be killed and started again.
/// </summary>
public sealed class RealtimeSystem : IAsyncDisposable
{
    public const string Namespace = "g";

    /// <summary>Short, so a dead gateway's clients vanish quickly in tests (production default: 25 s).</summary>
    public static readonly TimeSpan PresenceEntryTtl = TimeSpan.FromSeconds(4);

    private const string TokenSecret = "guarantee-suite-secret-0123456789-abcdefghijklmnopqrstuvwxyz-0123456";

    /// <summary>Signs connection tokens the gateways accept (anonymous connections work too).</summary>
    public TestTokens Tokens { get; } = new(TokenSecret);

    /// <summary>A namespace where clients may subscribe but no presence is kept.</summary>
    public const string NoPresenceNamespace = "np";
    public const int Partitions = 4;

    private RealtimeSystem(LogTransportKind transport, RedisServer redis, PostgresServer postgres, KafkaMockCluster? kafka)
    {
        Transport = transport;
        Redis = redis;
        Postgres = postgres;
        Kafka = kafka;
    }

    public LogTransportKind Transport { get; }

    public RedisServer Redis { get; private set; }

    public PostgresServer Postgres { get; }

    public KafkaMockCluster? Kafka { get; }

    public ServiceProcess Presence { get; private set; } = null!;

    public ServiceProcess History { get; private set; } = null!;

    public ServiceProcess[] Fanouts { get; private set; } = [];

    public ServiceProcess[] Gateways { get; private set; } = [];

    public string HistoryDatabase => Postgres.ConnectionString("historydb");

    public Uri WebSocket(int gateway) => new($"ws://127.0.0.1:{Gateways[gateway].Port}/connection/websocket");

    /// <summary>Starts the system.</summary>
    /// <param name="transport">The publication log's transport.</param>
    /// <param name="settings">Settings in environment form that override the suite's configuration.</param>
    /// <param name="persistentRedis">Redis with its append-only file synced on every write, so <see cref="RestartRedisAsync"/> keeps the data.</param>
    public static async Task<RealtimeSystem> StartAsync(LogTransportKind transport, IReadOnlyDictionary<string, string>? settings = null, bool persistentRedis = false)
    {
        var redisTask = RedisServer.StartAsync(persistent: persistentRedis);
        var postgres = await PostgresServer.StartAsync();
        await postgres.CreateDatabaseAsync("historydb");
        KafkaMockCluster? kafka = null;
        if (transport == LogTransportKind.Kafka)
        {
            kafka = KafkaMockCluster.Start();
            foreach (var topic in new[] { "realtime.publications", "realtime.sequenced", "realtime.publications.deadletter", "realtime.sequenced.deadletter" })
            {
                kafka.CreateTopic(topic, Partitions);
            }
        }

        var system = new RealtimeSystem(transport, await redisTask, postgres, kafka);
        await system.StartServicesAsync(settings ?? new Dictionary<string, string>());
        return system;
    }

    /// <summary>SIGKILLs Redis and starts it again on the same port (with its data when it is persistent).</summary>
    public Task RestartRedisAsync() => Redis.RestartAsync();

    /// <summary>SIGKILLs Redis and starts an empty one on the same port (all Redis data lost).</summary>
    public async Task RestartRedisEmptyAsync()
    {
        var port = Redis.Port;
        await Redis.DisposeAsync();
        Redis = await RedisServer.StartAsync(port);
    }

    /// <summary>Which process (by pid) holds each partition's lease of a consumer group on the Redis Streams log.</summary>
    public async Task<Dictionary<int, int>> LeaseHoldersAsync(string topic, string group)
    {
        await using var mux = await Redis.ConnectAsync();
        var holders = new Dictionary<int, int>();
        for (var partition = 0; partition < Partitions; partition++)
        {
            // Members are named "{machine}-{pid}-{random}".
            if ((string?)await mux.GetDatabase().StringGetAsync(Realtime.Messaging.RedisStreams.RedisStreamKeys.Lease(topic, group, partition)) is { } member)
            {
                var parts = member.Split('-');
                holders[partition] = int.Parse(parts[^2], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return holders;
    }

    /// <summary>Keys in Redis whose name contains <paramref name="fragment"/>.</summary>
    public async Task<List<string>> RedisKeysAsync(string fragment)
    {
        await using var mux = await Redis.ConnectAsync();
        return mux.GetServers()[0].Keys(pattern: $"*{fragment}*").Select(k => (string)k!).ToList();
    }

    public async Task<int> CountStoredAsync(string channel)
    {
        await using var connection = new NpgsqlConnection(HistoryDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM publications WHERE channel = $1", connection);
        command.Parameters.AddWithValue(channel);
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The stored publications of a channel: offset, epoch and the publisher's id from the data.</summary>
    public async Task<List<(long Offset, string Epoch, string Id)>> StoredAsync(string channel)
    {
        await using var connection = new NpgsqlConnection(HistoryDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "offset", epoch, publication::json -> 'data' ->> 'id' FROM publications WHERE channel = $1 ORDER BY "offset" """, connection);
        command.Parameters.AddWithValue(channel);
        var rows = new List<(long, string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }

    private async Task StartServicesAsync(IReadOnlyDictionary<string, string> settings)
    {
        var ports = Enumerable.Range(0, 6).Select(_ => FreePort.Next()).ToArray();
        var common = CommonEnvironment(ports);
        foreach (var (key, value) in settings)
        {
            common[key] = value;
        }

        Presence = new ServiceProcess("presence", "Presence", ports[0], common);
        History = new ServiceProcess("history", "History", ports[1], common);
        await Task.WhenAll(Presence.StartAsync(), History.StartAsync());
        Fanouts = [new ServiceProcess("fanout-1", "Fanout", ports[2], common), new ServiceProcess("fanout-2", "Fanout", ports[3], common)];
        Gateways = [new ServiceProcess("gateway-1", "Gateway", ports[4], common), new ServiceProcess("gateway-2", "Gateway", ports[5], common)];
        await Task.WhenAll(Fanouts.Concat(Gateways).Select(s => s.StartAsync()));
    }

    private Dictionary<string, string> CommonEnvironment(int[] ports)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = $"{Redis.ConnectionString},abortConnect=false,connectRetry=10",
            ["ConnectionStrings__historydb"] = HistoryDatabase,
            ["services__presence__http__0"] = $"http://127.0.0.1:{ports[0]}",
            ["services__history__http__0"] = $"http://127.0.0.1:{ports[1]}",
            ["Messaging__Transport"] = Transport.ToString(),
            ["Messaging__PollTimeout"] = "00:00:00.200",
            ["Messaging__RetryDelay"] = "00:00:00.100",
            ["Messaging__RedisStreamPartitions"] = Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Messaging__RedisStreamLeaseTtl"] = "00:00:03",
            [$"Channels__Namespaces__{Namespace}__HistorySize"] = "5000",
            [$"Channels__Namespaces__{Namespace}__HistoryTtl"] = "01:00:00",
            [$"Channels__Namespaces__{Namespace}__AllowSubscribeForClient"] = "true",
            [$"Channels__Namespaces__{Namespace}__AllowPublishForClient"] = "true",
            [$"Channels__Namespaces__{Namespace}__Presence"] = "true",
            [$"Channels__Namespaces__{Namespace}__JoinLeave"] = "true",
            [$"Channels__Namespaces__{Namespace}__AllowPresenceForSubscriber"] = "true",
            // The tests' clients connect anonymously.
            [$"Channels__Namespaces__{Namespace}__AllowSubscribeForAnonymous"] = "true",
            [$"Channels__Namespaces__{Namespace}__AllowPublishForAnonymous"] = "true",
            [$"Channels__Namespaces__{Namespace}__AllowPresenceForAnonymous"] = "true",
            [$"Channels__Namespaces__{NoPresenceNamespace}__AllowSubscribeForAnonymous"] = "true",
            ["Presence__EntryTtl"] = PresenceEntryTtl.ToString(),
            ["Presence__SweepInterval"] = "00:00:00.500",
            ["Gateway__PresenceRefreshInterval"] = "00:00:01",
            // Replies wait for presence reports; a loaded test machine must not turn that into a race.
            ["Gateway__PresenceSyncTimeout"] = "00:00:10",
            ["Gateway__AllowAnonymous"] = "true",
            ["Gateway__Token__HmacSecretKey"] = TokenSecret,
            [$"Channels__Namespaces__{NoPresenceNamespace}__AllowSubscribeForClient"] = "true",
            ["Gateway__CommandRateLimit"] = "0",
            ["Gateway__RecoveryMaxPublications"] = "5000",
            ["Gateway__MaxQueuedMessages"] = "100000",
            ["Gateway__MaxQueuedBytes"] = "67108864",
            ["Shutdown__Timeout"] = "00:00:05",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Realtime"] = "Information",
        };
        if (Kafka is not null)
        {
            environment["ConnectionStrings__kafka"] = Kafka.BootstrapServers;
            environment["Aspire__Confluent__Kafka__Consumer__Config__session.timeout.ms"] = "3000";
            environment["Aspire__Confluent__Kafka__Consumer__Config__heartbeat.interval.ms"] = "500";
        }

        return environment;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in Gateways.Concat(Fanouts).Append(History).Append(Presence))
        {
            if (service is not null)
            {
                await service.DisposeAsync();
            }
        }

        Kafka?.Dispose();
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
