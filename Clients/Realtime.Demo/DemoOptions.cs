using System.ComponentModel.DataAnnotations;

namespace Realtime.Demo;

/// <summary>What the demo backend needs to know (the AppHost sets all of it in run mode).</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>The gateway's public address (http or https); the page connects to its WebSocket endpoint.</summary>
    [Required]
    public Uri? GatewayUrl { get; set; }

    /// <summary>The key the gateway verifies connection and subscription tokens with (HS256).</summary>
    [Required, MinLength(32)]
    public string TokenHmacSecretKey { get; set; } = "";

    /// <summary>The server API's key (fanout), for announcements and moderation.</summary>
    [Required]
    public string ServerApiKey { get; set; } = "";

    /// <summary>The demo user who may remove others (the server API's disconnect).</summary>
    public string Moderator { get; set; } = "moderator";

    /// <summary>How long a connection token lives; the page's SDK asks for a new one before it expires.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
