using System.Text;
using Realtime.Protocol.Codes;
using Realtime.Protocol.Emulation;
using StackExchange.Redis;

namespace Realtime.Gateway.Transport;

/// <summary>Where an emulation request went.</summary>
internal enum EmulationOutcome
{
    /// <summary>The session is on this node and has the commands.</summary>
    Local,
    /// <summary>Published to the session's node, which is listening.</summary>
    Relayed,
    /// <summary>No such session here, or no node of that name listening.</summary>
    Unknown,
}

/// <summary>
/// Gets emulation requests to the node holding their session: each gateway node listens on its
/// own Redis channel (<c>rt:emulation:{node}</c>), and a request that lands elsewhere (the usual
/// case with several gateways behind one address) is published there. One ordered subscription
/// per node keeps one sender's relayed batches in the order they were published.
/// </summary>
internal sealed partial class EmulationRelay(IConnectionMultiplexer redis, GatewayNode node, ILogger<EmulationRelay> logger) : BackgroundService
{
    /// <summary>Session ids are 32 hex digits; anything much longer names no session.</summary>
    private const int MaxSessionBytes = 128;

    public static RedisChannel ChannelOf(string nodeName) => RedisChannel.Literal("rt:emulation:" + nodeName);

    public async Task<EmulationOutcome> DeliverAsync(EmulationRequest request)
    {
        if (request.Node.Length == 0 || request.Node == node.Name)
        {
            return DeliverHere(request.Session, request.Data) ? EmulationOutcome.Local : EmulationOutcome.Unknown;
        }

        if (Encoding.UTF8.GetByteCount(request.Session) > MaxSessionBytes)
        {
            return EmulationOutcome.Unknown;
        }

        var receivers = await redis.GetSubscriber().PublishAsync(ChannelOf(request.Node), Encode(request.Session, request.Data.Span));
        return receivers > 0 ? EmulationOutcome.Relayed : EmulationOutcome.Unknown;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = await redis.GetSubscriber().SubscribeAsync(ChannelOf(node.Name));
        queue.OnMessage(message =>
        {
            var bytes = (byte[])message.Message!;
            if (bytes.Length < 2 || bytes[0] + 1 > bytes.Length)
            {
                LogMalformed(logger);
                return;
            }

            var session = Encoding.UTF8.GetString(bytes, 1, bytes[0]);
            DeliverHere(session, bytes.AsMemory(1 + bytes[0]));
        });
        await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await queue.UnsubscribeAsync();
    }

    /// <summary>Hands commands to a session of this node; false when it has no such session.</summary>
    private bool DeliverHere(string sessionId, ReadOnlyMemory<byte> commands)
    {
        if (node.Sessions.FindSession(sessionId) is not { Transport: EmulatedTransport transport } session)
        {
            return false;
        }

        if (!transport.TryDeliver(commands) && !session.Closing)
        {
            session.Close(Disconnect.TooManyRequests);
        }

        return true;
    }

    /// <summary>A relayed request: the session id's length in one byte, the id, then the commands.</summary>
    private static byte[] Encode(string session, ReadOnlySpan<byte> commands)
    {
        var sessionBytes = Encoding.UTF8.GetByteCount(session);
        var message = new byte[1 + sessionBytes + commands.Length];
        message[0] = (byte)sessionBytes;
        Encoding.UTF8.GetBytes(session, message.AsSpan(1));
        commands.CopyTo(message.AsSpan(1 + sessionBytes));
        return message;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed relayed emulation request")]
    private static partial void LogMalformed(ILogger logger);
}
