namespace Realtime.Auth.Claims;

/// <summary>The Centrifugo claims of a token whose signature has been verified.</summary>
internal sealed class TokenClaims
{
    /// <summary><c>sub</c>; absent reads as empty, i.e. anonymous, as in Centrifugo.</summary>
    public string Subject { get; set; } = string.Empty;

    /// <summary><c>channel</c>: present only in subscription tokens.</summary>
    public string? Channel { get; set; }

    public DateTimeOffset? Expires { get; set; }

    public DateTimeOffset? NotBefore { get; set; }

    /// <summary><c>expire_at</c> in Unix seconds; 0 means "never expires".</summary>
    public long? ExpireAt { get; set; }

    /// <summary>Raw JSON of <c>info</c>, else decoded <c>b64info</c>.</summary>
    public ReadOnlyMemory<byte> Info { get; set; }

    public IReadOnlyList<string> Channels { get; set; } = [];
}
