using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Hosting;
using Realtime.Channels;
using Realtime.Connection;
using Realtime.Connection.Telemetry;
using Realtime.Contracts;
using Realtime.Fanout;
using Realtime.Fanout.Sequencing;
using Realtime.History.Ingest;
using Realtime.Messaging.Delivery;
using Realtime.Messaging.Log;
using Realtime.Presence;

namespace Realtime.Infra.Tests.SourceOfTruth;

/// <summary>
/// The names deployment manifests must agree with, read from the code itself (constants,
/// handler properties, option defaults; internal ones by reflection). Nothing here is a copy:
/// renaming a topic, path or key in the code changes what the tests expect.
/// </summary>
public static class CodeNames
{
    public static readonly string[] Services = [ServiceNames.Connection, ServiceNames.Fanout, ServiceNames.History, ServiceNames.Presence];

    /// <summary>Container images are named realtime-{service} (dotnet publish -p:ContainerRepository=…).</summary>
    public static string Image(string service) => $"realtime-{service}";

    public static string ConnectionStringKey(string name) => $"ConnectionStrings__{name}";

    /// <summary>
    /// The connection strings each service reads (AddRedisClient, AddNpgsqlDataSource) besides the
    /// log's, as the AppHost wires them.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> ConnectionStringsByService = new Dictionary<string, string[]>
    {
        [ServiceNames.Connection] = [ServiceNames.Redis],
        [ServiceNames.Fanout] = [ServiceNames.Redis],
        [ServiceNames.History] = [ServiceNames.Redis, ServiceNames.HistoryDatabase],
        [ServiceNames.Presence] = [ServiceNames.Redis],
    };

    /// <summary>Who consumes which topic as which group: the handlers' own properties.</summary>
    public static readonly IReadOnlyList<LogConsumer> Consumers =
    [
        LogConsumer.Of<PublicationSequencingHandler>(ServiceNames.Fanout),
        LogConsumer.Of<HistoryIngestHandler>(ServiceNames.History),
    ];

    /// <summary>Services that publish to the log, and the topics they publish.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Publishers = new Dictionary<string, string[]>
    {
        [ServiceNames.Connection] = [LogTopics.Publications],
        // The server API publishes, and the sequencer hands sequenced publications on.
        [ServiceNames.Fanout] = [LogTopics.Publications, LogTopics.Sequenced],
    };

    public static readonly string[] Topics = [LogTopics.Publications, LogTopics.Sequenced];

    public static string DeadLetter(string topic) => LogTopics.DeadLetter(topic);

    public static string DaprPubSub => LogTopics.DaprPubSubName;

    public static string TransportKey => $"{MessagingOptions.SectionName}__{nameof(MessagingOptions.Transport)}";

    public static long RedisStreamMaxLength => new MessagingOptions().RedisStreamMaxLength;

    /// <summary>The native Redis Streams transport's stream key for a topic (internal RedisStreamKeys.Topic).</summary>
    public static string RedisStreamKey(string topic)
    {
        var keys = typeof(LogTopics).Assembly.GetType("Realtime.Messaging.RedisStreams.RedisStreamKeys", throwOnError: true)!;
        var key = keys.GetMethod("Topic", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!.Invoke(null, [topic]);
        return key?.ToString() ?? throw new InvalidOperationException("RedisStreamKeys.Topic returned null");
    }

    public static string HealthPath => HealthCheckExtensions.HealthPath;

    public static string AlivePath => HealthCheckExtensions.AlivePath;

    public static string MetricsPath => HealthCheckExtensions.MetricsPath;

    public static TimeSpan DefaultShutdownTimeout => new ShutdownOptions().Timeout;

    public static string ShutdownTimeoutKey => $"{ShutdownOptions.SectionName}__{nameof(ShutdownOptions.Timeout)}";

    /// <summary>The client WebSocket path (internal WebSocketEndpoint.Path).</summary>
    public static string WebSocketPath =>
        (string)typeof(GatewayOptions).Assembly.GetType("Realtime.Connection.Transport.WebSocketEndpoint", throwOnError: true)!
            .GetField("Path", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!.GetRawConstantValue()!;

    /// <summary>The instrument the gateway reports open connections on.</summary>
    public static string ConnectionsInstrument => GatewayMetrics.Connections.Name;

    /// <summary>Longest a healthy idle connection stays silent: one ping interval plus the pong timeout.</summary>
    public static TimeSpan LongestHealthySilence(GatewayOptions options) => options.PingInterval + options.PongTimeout;

    /// <summary>Configuration sections the services bind, by the options type that binds them.</summary>
    public static readonly IReadOnlyDictionary<string, Type> OptionSections = new Dictionary<string, Type>
    {
        [GatewayOptions.SectionName] = typeof(GatewayOptions),
        [MessagingOptions.SectionName] = typeof(MessagingOptions),
        [ShutdownOptions.SectionName] = typeof(ShutdownOptions),
        [ChannelsOptions.SectionName] = typeof(ChannelsOptions),
        [DeliveryOptions.SectionName] = typeof(DeliveryOptions),
        [FanoutOptions.SectionName] = typeof(FanoutOptions),
        [PresenceOptions.SectionName] = typeof(PresenceOptions),
    };
}

/// <summary>A service consuming a topic as a consumer group.</summary>
public sealed record LogConsumer(string Service, string Topic, string Group)
{
    /// <summary>Reads Topic and ConsumerGroup off the handler (they are constants behind properties).</summary>
    public static LogConsumer Of<THandler>(string service) where THandler : class, ILogHandler
    {
        var handler = (ILogHandler)RuntimeHelpers.GetUninitializedObject(typeof(THandler));
        return new LogConsumer(service, handler.Topic, handler.ConsumerGroup);
    }
}
