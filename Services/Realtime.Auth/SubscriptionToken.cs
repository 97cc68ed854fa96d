namespace Realtime.Auth;

/// <summary>What a verified subscription JWT grants.</summary>
/// <param name="User">The <c>sub</c> claim (equal to the expected user).</param>
/// <param name="Channel">The <c>channel</c> claim (equal to the expected channel).</param>
/// <param name="ExpiresAt">When the subscription expires (<c>expire_at</c> if present, else <c>exp</c>); null = never.</param>
/// <param name="Info">Channel info: raw JSON of <c>info</c>, else decoded <c>b64info</c>; empty when absent.</param>
public sealed record SubscriptionToken(
    string User,
    string Channel,
    DateTimeOffset? ExpiresAt,
    ReadOnlyMemory<byte> Info);
