using Realtime.Protocol;

namespace Realtime.Gateway.Clients;

/// <summary>Who a connected client is, as established at connect (and extended by refresh).</summary>
/// <param name="User">The user id (<c>sub</c> claim or proxy answer); empty for anonymous clients.</param>
/// <param name="Info">Connection info shown to others in publications and presence.</param>
/// <param name="ExpiresAt">When the connection's credentials run out unless refreshed; null for never.</param>
internal sealed record ClientIdentity(string User, RawJson Info, DateTimeOffset? ExpiresAt)
{
    public uint TtlSeconds(TimeProvider time) => ExpiresAt is { } at
        ? (uint)Math.Max(1, Math.Ceiling((at - time.GetUtcNow()).TotalSeconds))
        : 0;
}
