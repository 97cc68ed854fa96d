using Realtime.Protocol;

namespace Realtime.Gateway.Clients;

/// <summary>
/// Why a subscription was allowed, and what came with that decision: the channel info and
/// expiry from a subscription token or the subscribe proxy, and data for the subscribe reply.
/// </summary>
internal sealed record SubscribeGrant(DateTimeOffset? ExpiresAt, RawJson ChannelInfo, RawJson Data)
{
    public static readonly SubscribeGrant Open = new(null, RawJson.Empty, RawJson.Empty);

    public uint TtlSeconds(TimeProvider time) => ExpiresAt is { } at
        ? (uint)Math.Max(1, Math.Ceiling((at - time.GetUtcNow()).TotalSeconds))
        : 0;
}
