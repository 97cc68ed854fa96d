using System.ComponentModel.DataAnnotations;

namespace Realtime.Gateway.Proxy;

/// <summary>
/// The <c>Gateway:Proxy</c> section: HTTP endpoints of the application backend that decide
/// connects, refreshes, subscribes, publishes, RPCs and asynchronous messages, as Centrifugo's proxies do. An empty
/// endpoint turns that proxy off.
/// </summary>
internal sealed class ProxyOptions
{
    public const string SectionName = "Gateway:Proxy";

    public Uri? ConnectEndpoint { get; set; }

    public Uri? RefreshEndpoint { get; set; }

    /// <summary>Used for channels whose namespace sets <c>ProxySubscribe</c>.</summary>
    public Uri? SubscribeEndpoint { get; set; }

    /// <summary>Used for channels whose namespace sets <c>ProxyPublish</c>.</summary>
    public Uri? PublishEndpoint { get; set; }

    /// <summary>Used for channels whose namespace sets <c>ProxySubRefresh</c>.</summary>
    public Uri? SubRefreshEndpoint { get; set; }

    public Uri? RpcEndpoint { get; set; }

    /// <summary>Receives the client's asynchronous <c>send</c> messages (no reply); without it they are dropped.</summary>
    public Uri? SendEndpoint { get; set; }

    /// <summary>Headers of the client's WebSocket upgrade request passed on to the backend (e.g. Cookie, Authorization).</summary>
    public List<string> HttpHeaders { get; set; } = [];

    /// <summary>How long the backend has to answer one proxied call.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);
}
