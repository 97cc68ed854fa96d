using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Realtime.Auth;
using Realtime.Channels;
using Realtime.Gateway;
using Realtime.Gateway.Proxy;
using Realtime.Gateway.Telemetry;
using Realtime.Contracts;
using Realtime.Fanout;
using Realtime.Fanout.Sequencing;
using Realtime.Fanout.ServerApi;
using Realtime.History;
using Realtime.History.Ingest;
using Realtime.Infra.Tests.Support;
using Realtime.Messaging.Dapr;
using Realtime.Delivery;
using Realtime.Messaging.Log;
using Realtime.Messaging.RedisStreams;
using Realtime.Presence;

namespace Realtime.Infra.Tests.SourceOfTruth;

/// <summary>
/// The names deployment manifests must agree with, read from the code itself (constants,
/// handler properties, option defaults, the service projects' container settings; internal ones
/// by reflection). Nothing here is a copy: renaming a topic, path or key in the code changes what
/// the tests expect.
/// </summary>
public static class CodeNames
{
    public static readonly string[] Services = [ServiceNames.Connection, ServiceNames.Fanout, ServiceNames.History, ServiceNames.Presence];

    /// <summary>The service's project, Services/Realtime.{Name}/Realtime.{Name}.csproj, relative to the repository root.</summary>
    public static string Project(string service)
    {
        var name = ProjectName(service);
        return $"Services/Realtime.{name}/Realtime.{name}.csproj";
    }

    /// <summary>
    /// The project a deployed service is built from: its name, except the WebSocket service
    /// (deployed as <c>connection</c>), whose code is the gateway.
    /// </summary>
    public static string ProjectName(string service) =>
        service == ServiceNames.Connection ? "Gateway" : CultureInfo.InvariantCulture.TextInfo.ToTitleCase(service);

    /// <summary>
    /// The image <c>dotnet publish /t:PublishContainer</c> names for a service: the
    /// <c>ContainerRepository</c> its project sets (ImageTests checks MSBuild evaluates the same).
    /// </summary>
    public static string Image(string service) => Images.Value[service];

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Images = new(() => Services.ToDictionary(
        service => service,
        service => XDocument.Load(Path.Combine(RepositoryPaths.Root, Project(service)))
            .Descendants("ContainerRepository").SingleOrDefault()?.Value.Trim()
            ?? throw new InvalidOperationException($"{Project(service)} sets no ContainerRepository")));

    public static string ConnectionStringKey(string name) => $"ConnectionStrings__{name}";

    /// <summary>A configuration path (<c>Gateway:Token</c>) as an environment variable name (<c>Gateway__Token</c>).</summary>
    public static string EnvironmentKey(params string[] path) =>
        string.Join("__", path.SelectMany(p => p.Split(':')));

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

    /// <summary>Services that append to or read from the log: they must all see the same log settings.</summary>
    public static IEnumerable<string> LogUsers => Publishers.Keys.Concat(Consumers.Select(c => c.Service)).Distinct().Order();

    public static readonly string[] Topics = [LogTopics.Publications, LogTopics.Sequenced];

    public static string DeadLetter(string topic) => LogTopics.DeadLetter(topic);

    public static string DaprPubSub => LogTopics.DaprPubSubName;

    /// <summary>The Secret whose <c>token</c> daprd sends the app as <c>dapr-api-token</c> (infra/README.md, "Secrets").</summary>
    public const string DaprAppTokenSecret = "dapr-app-token";

    public static string TransportKey => EnvironmentKey(MessagingOptions.SectionName, nameof(MessagingOptions.Transport));

    public static string RedisStreamPartitionsKey => EnvironmentKey(MessagingOptions.SectionName, nameof(MessagingOptions.RedisStreamPartitions));

    public static long RedisStreamMaxLength => new MessagingOptions().RedisStreamMaxLength;

    /// <summary>The native Redis Streams transport's stream key for one partition of a topic.</summary>
    public static string RedisStreamKey(string topic, int partition) => RedisStreamKeys.Partition(topic, partition).ToString();

    /// <summary>Every partition stream of a topic, in partition order.</summary>
    public static IReadOnlyList<string> RedisStreamKeysOf(string topic, int partitions) =>
        Enumerable.Range(0, partitions).Select(p => RedisStreamKey(topic, p)).ToList();

    /// <summary>
    /// The messaging options a service will run with, given its environment: the configured values,
    /// the code's defaults for the rest (e.g. <see cref="MessagingOptions.RedisStreamPartitions"/>).
    /// </summary>
    public static MessagingOptions MessagingOptionsOf(IReadOnlyDictionary<string, string?> environment) =>
        Bind<MessagingOptions>(environment, MessagingOptions.SectionName);

    /// <summary>The gateway's options as its environment sets them (defaults where it does not).</summary>
    internal static GatewayOptions GatewayOptionsOf(IReadOnlyDictionary<string, string?> environment) =>
        Bind<GatewayOptions>(environment, GatewayOptions.SectionName);

    /// <summary>Binds one options section from environment variables (<c>A__B=v</c>) as the service would.</summary>
    public static T Bind<T>(IReadOnlyDictionary<string, string?> environment, string section) where T : class, new() =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)))
            .Build()
            .GetSection(section).Get<T>() ?? new T();

    public static string HealthPath => HealthCheckExtensions.HealthPath;

    public static string AlivePath => HealthCheckExtensions.AlivePath;

    public static string MetricsPath => HealthCheckExtensions.MetricsPath;

    public static TimeSpan DefaultShutdownTimeout => new ShutdownOptions().Timeout;

    public static string ShutdownTimeoutKey => EnvironmentKey(ShutdownOptions.SectionName, nameof(ShutdownOptions.Timeout));

    /// <summary>The client WebSocket path (internal WebSocketEndpoint.Path).</summary>
    public static string WebSocketPath => GatewayPath("WebSocketEndpoint");

    /// <summary>Every path a client uses: the WebSocket, the HTTP-streaming and SSE fallbacks, and their emulation requests.</summary>
    public static string[] ClientPaths =>
        [WebSocketPath, GatewayPath("HttpStreamEndpoint"), GatewayPath("SseEndpoint"), GatewayPath("EmulationEndpoint")];

    private static string GatewayPath(string endpoint) =>
        (string)typeof(GatewayOptions).Assembly.GetType($"Realtime.Gateway.Transport.{endpoint}", throwOnError: true)!
            .GetField("Path", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!.GetRawConstantValue()!;

    /// <summary>The server API's base path: every method is POST {prefix}/{method} (on fanout).</summary>
    public static string ServerApiPrefix => ServerApiEndpoints.Prefix;

    /// <summary>The filter the server API's endpoints check the caller's key with (internal ApiKeyCheck).</summary>
    public static Type ServerApiKeyCheck =>
        typeof(ServerApiOptions).Assembly.GetType("Realtime.Fanout.ServerApi.ApiKeyCheck", throwOnError: true)!;

    /// <summary>The instrument the gateway reports open connections on.</summary>
    public static string ConnectionsInstrument => GatewayMetrics.Connections.Name;

    /// <summary>Longest a healthy idle connection stays silent: one ping interval plus the pong timeout.</summary>
    internal static TimeSpan LongestHealthySilence(GatewayOptions options) => options.PingInterval + options.PongTimeout;

    /// <summary>
    /// The longest the gateway's drain can take once the host starts stopping (DrainService): the
    /// delay before disconnecting, the window the 3001 closes are spread over, and then each
    /// session's close, which gives up on a silent peer after <see cref="GatewayOptions.WriteTimeout"/>.
    /// </summary>
    internal static TimeSpan LongestGatewayDrain(GatewayOptions options) => options.DrainDelay + options.DrainWindow + options.WriteTimeout;

    /// <summary>
    /// Configuration sections the services bind, by the options type that binds them. Nested
    /// sections (Gateway:Token inside Gateway) are bound on their own, not by the parent.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Type> OptionSections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        [GatewayOptions.SectionName] = typeof(GatewayOptions),
        [TokenOptions.SectionName] = typeof(TokenOptions),
        [ProxyOptions.SectionName] = typeof(ProxyOptions),
        [MessagingOptions.SectionName] = typeof(MessagingOptions),
        [DaprSubscriptionSection] = typeof(DaprLogSubscriptionOptions),
        [ShutdownOptions.SectionName] = typeof(ShutdownOptions),
        [ChannelsOptions.SectionName] = typeof(ChannelsOptions),
        [DeliveryOptions.SectionName] = typeof(DeliveryOptions),
        [FanoutOptions.SectionName] = typeof(FanoutOptions),
        [ServerApiOptions.SectionName] = typeof(ServerApiOptions),
        [HistoryOptions.SectionName] = typeof(HistoryOptions),
        [PresenceOptions.SectionName] = typeof(PresenceOptions),
    };

    /// <summary>Where PublicationLogExtensions binds <see cref="DaprLogSubscriptionOptions"/> (the code spells it inline).</summary>
    public static string DaprSubscriptionSection => $"{MessagingOptions.SectionName}:Dapr";

    /// <summary>
    /// Settings that are secrets: the token verification keys (also the subscription-token ones)
    /// and the server API key. Manifests may only take them from Secrets.
    /// </summary>
    public static readonly IReadOnlyList<string> SecretSettings =
    [
        .. new[] { TokenOptions.SectionName, $"{TokenOptions.SectionName}:{nameof(TokenOptions.Subscription)}" }.SelectMany(section => new[]
        {
            EnvironmentKey(section, nameof(TokenKeyOptions.HmacSecretKey)),
            EnvironmentKey(section, nameof(TokenKeyOptions.RsaPublicKeyPem)),
            EnvironmentKey(section, nameof(TokenKeyOptions.EcdsaPublicKeyPem)),
            // A JWKS URL may carry credentials; TokenKeyOptions never logs it either.
            EnvironmentKey(section, nameof(TokenKeyOptions.JwksUrl)),
        }),
        EnvironmentKey(ServerApiOptions.SectionName, nameof(ServerApiOptions.ApiKey)),
    ];

    /// <summary>The connection-token key settings of the gateway (top level of Gateway:Token).</summary>
    public static IEnumerable<string> ConnectionTokenKeySettings => SecretSettings.Take(4);

    public static string ServerApiKeySetting => EnvironmentKey(ServerApiOptions.SectionName, nameof(ServerApiOptions.ApiKey));

    /// <summary>Development-only switches that must stay off in every deployment.</summary>
    public static readonly IReadOnlyList<string> InsecureSwitches =
    [
        EnvironmentKey(GatewayOptions.SectionName, nameof(GatewayOptions.ClientInsecure)),
        EnvironmentKey(ServerApiOptions.SectionName, nameof(ServerApiOptions.Insecure)),
    ];

    public static string AllowAnonymousKey => EnvironmentKey(GatewayOptions.SectionName, nameof(GatewayOptions.AllowAnonymous));
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
