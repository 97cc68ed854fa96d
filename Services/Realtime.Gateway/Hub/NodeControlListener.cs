using System.Text;
using Realtime.Gateway.Clients;
using Realtime.Delivery.Control;
using Realtime.Protocol;
using Realtime.Protocol.Codes;
using StackExchange.Redis;

namespace Realtime.Gateway.Hub;

/// <summary>
/// Applies server-API instructions (subscribe, unsubscribe, disconnect, refresh, message) to
/// the connections this node holds. Instructions arrive on one ordered Redis channel.
/// </summary>
internal sealed partial class NodeControlListener(IConnectionMultiplexer redis, SessionRegistry sessions, ILogger<NodeControlListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = await redis.GetSubscriber().SubscribeAsync(ControlChannel.Name);
        queue.OnMessage(async message =>
        {
            try
            {
                await ApplyAsync(ControlChannel.Decode((byte[])message.Message!));
            }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
            {
                LogMalformed(e);
            }
        });
        await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await queue.UnsubscribeAsync();
    }

    internal async Task ApplyAsync(NodeCommand command)
    {
        foreach (var session in Targets(command))
        {
            switch (command.Op)
            {
                case NodeCommandKind.Disconnect:
                    session.Close(command.Code > 0 ? new Disconnect((ushort)command.Code, command.Reason ?? "") : Disconnect.ForceNoReconnect);
                    break;
                case NodeCommandKind.Unsubscribe when command.Channel is { } channel:
                    session.ServerUnsubscribe(channel, Unsubscribe.Server);
                    break;
                case NodeCommandKind.Subscribe when command.Channel is { } channel:
                    await session.ServerSubscribeAsync(channel);
                    break;
                case NodeCommandKind.Refresh:
                    session.ServerRefresh(command.ExpireAt > 0 ? DateTimeOffset.FromUnixTimeSeconds(command.ExpireAt) : null);
                    break;
                case NodeCommandKind.Message when command.Data is { } data:
                    session.SendMessage(new RawJson(Encoding.UTF8.GetBytes(data.GetRawText())));
                    break;
            }
        }
    }

    private List<ClientSession> Targets(NodeCommand command)
    {
        if (!string.IsNullOrEmpty(command.Client))
        {
            var session = sessions.FindClient(command.Client);
            return session is not null && (command.User is null || session.Identity?.User == command.User) ? [session] : [];
        }

        return command.User is null ? [] : sessions.FindUser(command.User).ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed node command")]
    private partial void LogMalformed(Exception exception);
}
