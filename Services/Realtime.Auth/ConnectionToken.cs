namespace Realtime.Auth;

/// <summary>What a verified connection JWT grants.</summary>
/// <param name="User">The <c>sub</c> claim; empty for an anonymous user.</param>
/// <param name="ExpiresAt">When the connection expires (<c>expire_at</c> if present, else <c>exp</c>); null = never.</param>
/// <param name="Info">Raw JSON of <c>info</c>, else the decoded bytes of <c>b64info</c>; empty when neither is present.</param>
/// <param name="Channels">The <c>channels</c> claim: channels the server subscribes the client to.</param>
public sealed record ConnectionToken(
    string User,
    DateTimeOffset? ExpiresAt,
    ReadOnlyMemory<byte> Info,
    IReadOnlyList<string> Channels);
