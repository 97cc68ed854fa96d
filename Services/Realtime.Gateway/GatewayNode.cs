using Microsoft.Extensions.Options;
using Realtime.Auth;
using Realtime.Channels;
using Realtime.Gateway.Proxy;
using Realtime.Gateway.Backends;
using Realtime.Gateway.Clients;
using Realtime.Gateway.Hub;
using Realtime.Gateway.Presence;
using Realtime.Delivery;
using Realtime.Messaging.Publications;

namespace Realtime.Gateway;

/// <summary>
/// This gateway node: what every client session shares — options, the channel hub, the
/// publication log, presence reporting and the registry of live sessions.
/// </summary>
internal sealed class GatewayNode(
    IOptions<GatewayOptions> options,
    ChannelNamespaces namespaces,
    ChannelHub hub,
    ChannelStreams streams,
    PublicationPublisher publisher,
    PresenceReporter presence,
    PresenceClient presenceQueries,
    HistoryClient history,
    StreamRecovery recovery,
    ITokenVerifier tokens,
    ProxyClient proxies,
    SessionRegistry sessions,
    TimeProvider time,
    ILogger<GatewayNode> logger)
{
    public GatewayOptions Options { get; } = options.Value;

    public string Name { get; } = options.Value.ResolveNodeName();

    public ChannelNamespaces Namespaces { get; } = namespaces;

    public ChannelHub Hub { get; } = hub;

    public ChannelStreams Streams { get; } = streams;

    public PublicationPublisher Publisher { get; } = publisher;

    public PresenceReporter Presence { get; } = presence;

    public PresenceClient PresenceQueries { get; } = presenceQueries;

    public HistoryClient History { get; } = history;

    public StreamRecovery Recovery { get; } = recovery;

    public ITokenVerifier Tokens { get; } = tokens;

    public ProxyClient Proxies { get; } = proxies;

    public SessionRegistry Sessions { get; } = sessions;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;
}
