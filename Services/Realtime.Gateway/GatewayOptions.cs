using System.ComponentModel.DataAnnotations;

namespace Realtime.Gateway;

/// <summary>The <c>Gateway</c> configuration section: how the connection service treats clients.</summary>
internal sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>This node's name in logs, metrics and the connect reply; defaults to host and process.</summary>
    public string? NodeName { get; set; }

    /// <summary>Origins allowed to open a WebSocket (browser clients). Empty: only requests without an Origin header.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Let clients connect without a token, as anonymous users.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// Insecure mode, for development only: no token is checked and every channel permission
    /// is granted. Never enable it where real users connect.
    /// </summary>
    public bool ClientInsecure { get; set; }

    /// <summary>The second switch <see cref="ClientInsecure"/> needs outside the Development environment.</summary>
    public bool AllowInsecureOutsideDevelopment { get; set; }

    /// <summary>Seconds between server pings (<c>{}</c>); sent to the client in the connect reply.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How long the server waits for the client's pong before closing with 3012.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PongTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>A connection that has not sent connect within this time is closed with 3502 (stale).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StaleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest incoming frame, in bytes; a larger one closes the connection with 3510.</summary>
    [Range(64, 64 * 1024 * 1024)]
    public int MaxFrameSize { get; set; } = 64 * 1024;

    /// <summary>Most bytes waiting to be written to one client before it is disconnected as slow (3008).</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxQueuedBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Most bytes of publications in one history or recovery reply (0: half of
    /// <see cref="MaxQueuedBytes"/>; when set, below it): a history page stops early (the client
    /// pages on), a recovery that would not fit answers <c>recovered: false</c> with the current
    /// position instead of overflowing the client's queue.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxReplyBytes { get; set; }

    /// <summary>The reply budget in force (<see cref="MaxReplyBytes"/>, or its default).</summary>
    public int ReplyBudgetBytes => MaxReplyBytes > 0 ? MaxReplyBytes : MaxQueuedBytes / 2;

    /// <summary>Most frames waiting to be written to one client before it is disconnected as slow (3008).</summary>
    [Range(1, 1_000_000)]
    public int MaxQueuedMessages { get; set; } = 4096;

    /// <summary>Queued frames are coalesced into one WebSocket message of at most this many bytes.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxCoalescedBytes { get; set; } = 64 * 1024;

    /// <summary>A single write that takes longer than this aborts the connection (the peer stopped reading).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often presence changes that could not be reported (presence slow or down) are sent
    /// again. Changes themselves go at once, those queued during a report together in the next.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan PresenceFlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long a subscribe or unsubscribe reply waits for the client's presence change to reach
    /// the presence service; past it (presence slow or down) the reply goes and the change follows.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan PresenceSyncTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often this node re-reports every present client so entries do not expire. Keep it
    /// well below the presence service's entry TTL.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PresenceRefreshInterval { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>Most publications a resubscribing client recovers; a longer gap answers <c>recovered: false</c>.</summary>
    [Range(1, 100_000)]
    public int RecoveryMaxPublications { get; set; } = 300;

    /// <summary>Most channels one connection may subscribe to (106 on subscribe, 3505 for server-side subscriptions).</summary>
    [Range(1, 100_000)]
    public int MaxChannelsPerConnection { get; set; } = 128;

    /// <summary>
    /// Most open WebSockets on this node, connected or not yet (0: no limit). Beyond it a new
    /// socket is refused before the upgrade (503), so the process never runs out of descriptors
    /// (20,000 here) and stays healthy; the default leaves room for the rest of its sockets.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxConnections { get; set; } = 18_000;

    /// <summary>Most connections of one user on this node (0: no limit); beyond it connect closes with 3504.</summary>
    [Range(0, int.MaxValue)]
    public int MaxConnectionsPerUser { get; set; }

    /// <summary>Commands per second one connection may send (0: no limit); over it commands get 111.</summary>
    [Range(0, 1_000_000)]
    public int CommandRateLimit { get; set; } = 100;

    /// <summary>Commands a connection may send at once above the rate; a client still flooding after that is closed with 3013.</summary>
    [Range(1, 1_000_000)]
    public int CommandBurst { get; set; } = 200;

    /// <summary>
    /// On shutdown, how long the node keeps listening with readiness failing before it starts
    /// disconnecting, so load balancers stop sending it clients. Zero where a preStop hook waits instead.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    /// <summary>On shutdown, clients are sent 3001 spread evenly over this window (DrainDelay + DrainWindow stay below Shutdown:Timeout).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan DrainWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Connections waiting to be accepted (the listen backlog; the kernel caps it at somaxconn).
    /// A gateway that dies sends all its clients to the others at once: a short backlog turns
    /// that storm into refused connections and longer client back-offs.
    /// </summary>
    [Range(1, 65_535)]
    public int ListenBacklog { get; set; } = 4096;

    /// <summary>
    /// Accept plain-HTTP/1.1 WebSocket upgrades at the connection, without ASP.NET Core's HTTP
    /// request around them (less memory per connection, less work per frame). Off: every upgrade
    /// goes through the <c>/connection/websocket</c> endpoint. TLS listeners always use the endpoint.
    /// </summary>
    public bool DirectUpgrade { get; set; } = true;

    /// <summary>
    /// How long a new connection may take to send its whole upgrade request (direct upgrade);
    /// one that stalls is closed. Connections Kestrel parses keep its RequestHeadersTimeout (30 s).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan UpgradeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// HTTP-streaming and SSE clients: most command batches (<c>POST /emulation</c> requests) one
    /// session may have waiting to run; a client sending more is closed with 3013 (flooding).
    /// </summary>
    [Range(1, 10_000)]
    public int MaxPendingEmulationRequests { get; set; } = 64;

    /// <summary>
    /// How long after its credentials expire a connection may still refresh before it is closed
    /// with 3005: the SDKs refresh when the announced <c>ttl</c> runs out, so closing at the
    /// expiry itself would race them (Centrifugo waits the same 25 s).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ExpiredCloseDelay { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>The same grace for a subscription's credentials before it is ended with 2501.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ExpiredSubCloseDelay { get; set; } = TimeSpan.FromSeconds(25);

    public string ResolveNodeName() =>
        string.IsNullOrWhiteSpace(NodeName) ? $"{Environment.MachineName}-{Environment.ProcessId}" : NodeName;

}
