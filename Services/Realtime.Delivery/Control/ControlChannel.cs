using System.Text.Json;
using StackExchange.Redis;

namespace Realtime.Delivery.Control;

/// <summary>The Redis pub/sub channel every gateway node listens to for server-API instructions.</summary>
public static class ControlChannel
{
    public static readonly RedisChannel Name = RedisChannel.Literal("rt:control");

    public static Task<long> SendAsync(IConnectionMultiplexer redis, NodeCommand command) =>
        redis.GetSubscriber().PublishAsync(Name, JsonSerializer.SerializeToUtf8Bytes(command, NodeCommandJsonContext.Default.NodeCommand));

    public static NodeCommand Decode(ReadOnlySpan<byte> message) =>
        JsonSerializer.Deserialize(message, NodeCommandJsonContext.Default.NodeCommand) ?? throw new InvalidDataException("empty node command");
}
