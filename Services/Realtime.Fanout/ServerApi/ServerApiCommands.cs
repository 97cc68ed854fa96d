using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Realtime.Channels;
using Realtime.Contracts;
using Realtime.Fanout.Telemetry;
using Realtime.Delivery.Control;
using Realtime.Delivery;
using Realtime.Messaging.Publications;
using Realtime.Protocol;
using StackExchange.Redis;

namespace Realtime.Fanout.ServerApi;

/// <summary>
/// The server API's methods. Publishes take the same path as client publishes (the log, then
/// sequencing); instructions for connections go to every gateway node on the control channel;
/// presence and history are asked of their services.
/// </summary>
internal sealed class ServerApiCommands(
    PublicationPublisher publisher,
    ChannelNamespaces namespaces,
    IConnectionMultiplexer redis,
    IHttpClientFactory httpClients)
{
    public const string PresenceClient = "presence";
    public const string HistoryClient = "history";

    /// <summary>How long a publish waits to report the offset fanout gave it.</summary>
    private static readonly TimeSpan SequencingWait = TimeSpan.FromSeconds(2);

    public Task<JsonNode> ExecuteAsync(string method, JsonElement body, CancellationToken cancellationToken) => method switch
    {
        "publish" => PublishAsync(body, cancellationToken),
        "broadcast" => BroadcastAsync(body, cancellationToken),
        "subscribe" => ToNodesAsync(body, NodeCommandKind.Subscribe, channelRequired: true),
        "unsubscribe" => ToNodesAsync(body, NodeCommandKind.Unsubscribe, channelRequired: true),
        "disconnect" => ToNodesAsync(body, NodeCommandKind.Disconnect, channelRequired: false),
        "refresh" => ToNodesAsync(body, NodeCommandKind.Refresh, channelRequired: false),
        "send" => ToNodesAsync(body, NodeCommandKind.Message, channelRequired: false),
        "presence" => PresenceAsync(body, cancellationToken),
        "presence_stats" => PresenceStatsAsync(body, cancellationToken),
        "history" => HistoryAsync(body, cancellationToken),
        "history_remove" => HistoryRemoveAsync(body, cancellationToken),
        "channels" => ChannelsAsync(body),
        "info" => InfoAsync(),
        _ => throw ApiError.MethodNotFound(),
    };

    private async Task<JsonNode> PublishAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var channel = RequiredString(body, "channel");
        return await PublishToAsync(channel, Data(body), Tags(body), OptionalString(body, "idempotency_key"), cancellationToken);
    }

    private async Task<JsonNode> BroadcastAsync(JsonElement body, CancellationToken cancellationToken)
    {
        if (!body.TryGetProperty("channels", out var channels) || channels.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.BadRequest("channels is required");
        }

        var data = Data(body);
        var tags = Tags(body);
        var responses = new JsonArray();
        foreach (var channel in channels.EnumerateArray())
        {
            try
            {
                responses.Add(new JsonObject { ["result"] = await PublishToAsync(channel.GetString() ?? "", data, tags, idempotencyKey: null, cancellationToken) });
            }
            catch (ApiError error)
            {
                responses.Add(new JsonObject { ["error"] = new JsonObject { ["code"] = error.Code, ["message"] = error.Message } });
            }
        }

        return new JsonObject { ["responses"] = responses };
    }

    private async Task<JsonNode> PublishToAsync(string channel, RawJson data, Dictionary<string, string>? tags, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var options = KnownChannel(channel);
        using var activity = FanoutTelemetry.Source.StartActivity("api publish", ActivityKind.Server);
        activity?.SetTag("realtime.channel", channel);
        var publication = await publisher.PublishAsync(channel, data, info: null, tags, idempotencyKey, activity, cancellationToken);
        if (!options.HistoryEnabled)
        {
            return new JsonObject();
        }

        // The offset is fanout's to give; report it when sequencing is quick, as it normally is.
        var marker = ChannelKeys.Published(channel, publication.Id);
        var deadline = Stopwatch.GetTimestamp() + (long)(SequencingWait.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var offset = await redis.GetDatabase().StringGetAsync(marker);
            if (offset.HasValue)
            {
                var epoch = await redis.GetDatabase().HashGetAsync(ChannelKeys.Meta(channel), "epoch");
                return new JsonObject { ["offset"] = (ulong)offset, ["epoch"] = (string?)epoch };
            }

            await Task.Delay(5, cancellationToken);
        }

        return new JsonObject();
    }

    /// <summary>Instructions for the connections of a user (or one client) wherever they are connected.</summary>
    private async Task<JsonNode> ToNodesAsync(JsonElement body, NodeCommandKind kind, bool channelRequired)
    {
        var user = RequiredString(body, "user");
        var channel = channelRequired ? RequiredString(body, "channel") : null;
        if (channel is not null)
        {
            KnownChannel(channel);
        }

        var command = new NodeCommand { Op = kind, User = user, Client = OptionalString(body, "client"), Channel = channel };
        if (kind == NodeCommandKind.Disconnect && body.TryGetProperty("disconnect", out var disconnect) && disconnect.ValueKind == JsonValueKind.Object)
        {
            var code = disconnect.TryGetProperty("code", out var c) && c.TryGetInt32(out var value) ? value : 0;
            if (code != 0 && code is < 3000 or > 4999)
            {
                throw ApiError.BadRequest("disconnect code must be 3000-4999");
            }

            command = command with { Code = code, Reason = disconnect.TryGetProperty("reason", out var r) ? r.GetString() : null };
        }

        if (kind == NodeCommandKind.Message)
        {
            command = command with { Data = body.TryGetProperty("data", out var data) ? data : throw ApiError.BadRequest("data is required") };
        }

        if (kind == NodeCommandKind.Refresh)
        {
            command = command with
            {
                ExpireAt = body.TryGetProperty("expire_at", out var e) && e.TryGetInt64(out var at) ? at : 0,
                Op = body.TryGetProperty("expired", out var expired) && expired.ValueKind == JsonValueKind.True ? NodeCommandKind.Disconnect : kind,
                Code = body.TryGetProperty("expired", out var x) && x.ValueKind == JsonValueKind.True ? 3005 : 0,
                Reason = "connection expired",
            };
        }

        await ControlChannel.SendAsync(redis, command);
        return new JsonObject();
    }

    private async Task<JsonNode> PresenceAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var channel = RequiredString(body, "channel");
        if (!KnownChannel(channel).Presence)
        {
            throw ApiError.NotAvailable();
        }

        var response = await httpClients.CreateClient(PresenceClient).GetFromJsonAsync(PresenceRoutes.PresenceOf(channel), PresenceJsonContext.Default.PresenceResponse, cancellationToken);
        var presence = new JsonObject();
        foreach (var (client, entry) in response!.Presence)
        {
            presence[client] = ClientInfoJson(entry.User, entry.Client, entry.ConnInfo, entry.ChanInfo);
        }

        return new JsonObject { ["presence"] = presence };
    }

    private async Task<JsonNode> PresenceStatsAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var channel = RequiredString(body, "channel");
        if (!KnownChannel(channel).Presence)
        {
            throw ApiError.NotAvailable();
        }

        var stats = await httpClients.CreateClient(PresenceClient).GetFromJsonAsync(PresenceRoutes.StatsOf(channel), PresenceJsonContext.Default.PresenceStatsResponse, cancellationToken);
        return new JsonObject { ["num_clients"] = stats!.NumClients, ["num_users"] = stats.NumUsers };
    }

    private async Task<JsonNode> HistoryAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var channel = RequiredString(body, "channel");
        if (!KnownChannel(channel).HistoryEnabled)
        {
            throw ApiError.NotAvailable();
        }

        var limit = body.TryGetProperty("limit", out var l) && l.TryGetInt32(out var lv) ? lv : 0;
        var reverse = body.TryGetProperty("reverse", out var r) && r.ValueKind == JsonValueKind.True;
        ulong? sinceOffset = null;
        string? sinceEpoch = null;
        if (body.TryGetProperty("since", out var since) && since.ValueKind == JsonValueKind.Object)
        {
            sinceOffset = since.TryGetProperty("offset", out var o) && o.TryGetUInt64(out var ov) ? ov : 0;
            sinceEpoch = since.TryGetProperty("epoch", out var e) ? e.GetString() : "";
        }

        var response = await httpClients.CreateClient(HistoryClient)
            .GetFromJsonAsync(HistoryRoutes.Query(channel, limit, sinceOffset, sinceEpoch, reverse), HistoryJsonContext.Default.HistoryResponse, cancellationToken);
        if (response!.Error == 112)
        {
            throw ApiError.UnrecoverablePosition();
        }

        var publications = new JsonArray();
        foreach (var element in response.Publications)
        {
            var sequenced = PublicationCodec.DecodeSequenced(Encoding.UTF8.GetBytes(element.GetRawText()));
            var publication = new JsonObject { ["offset"] = sequenced.Offset };
            if (!sequenced.Publication.Data.IsEmpty) publication["data"] = JsonNode.Parse(sequenced.Publication.Data.Utf8.Span);
            if (sequenced.Publication.Info is { } info) publication["info"] = JsonNode.Parse(Encoding.UTF8.GetBytes(InfoJson(info)));
            if (sequenced.Publication.Tags is { Count: > 0 } tags) publication["tags"] = new JsonObject(tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value)));
            publications.Add(publication);
        }

        return new JsonObject { ["publications"] = publications, ["epoch"] = response.Epoch, ["offset"] = response.Offset };
    }

    private async Task<JsonNode> HistoryRemoveAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var channel = RequiredString(body, "channel");
        KnownChannel(channel);
        using var response = await httpClients.CreateClient(HistoryClient).DeleteAsync(HistoryRoutes.Remove(channel), cancellationToken);
        response.EnsureSuccessStatusCode();
        return new JsonObject();
    }

    /// <summary>Channels with subscribers on some gateway node right now (optionally matching a glob pattern).</summary>
    private async Task<JsonNode> ChannelsAsync(JsonElement body)
    {
        var pattern = OptionalString(body, "pattern") ?? "*";
        var channels = new JsonObject();
        var server = redis.GetServers()[0];
        var active = await server.SubscriptionChannelsAsync(ChannelKeys.DeliveryPattern(pattern));
        foreach (var delivery in active)
        {
            var channel = ChannelKeys.ChannelOfDelivery(delivery.ToString());
            channels[channel] = new JsonObject { ["num_clients"] = await ClientsInAsync(channel) };
        }

        return new JsonObject { ["channels"] = channels };
    }

    private async Task<int> ClientsInAsync(string channel)
    {
        if (namespaces.Resolve(channel) is not { Presence: true })
        {
            return 0;
        }

        var stats = await httpClients.CreateClient(PresenceClient).GetFromJsonAsync(PresenceRoutes.StatsOf(channel), PresenceJsonContext.Default.PresenceStatsResponse);
        return stats?.NumClients ?? 0;
    }

    private async Task<JsonNode> InfoAsync()
    {
        var nodes = new JsonArray();
        var db = redis.GetDatabase();
        foreach (var key in redis.GetServers()[0].Keys(pattern: NodeInfo.KeyPattern))
        {
            var value = await db.StringGetAsync(key);
            if (value.HasValue)
            {
                nodes.Add(JsonNode.Parse((byte[])value!));
            }
        }

        return new JsonObject { ["nodes"] = nodes };
    }

    private ChannelOptions KnownChannel(string channel)
    {
        if (!namespaces.IsValidName(channel))
        {
            throw ApiError.BadRequest("invalid channel");
        }

        return namespaces.Resolve(channel) ?? throw ApiError.UnknownChannel();
    }

    private static RawJson Data(JsonElement body)
    {
        if (body.TryGetProperty("data", out var data) && data.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            return new RawJson(Encoding.UTF8.GetBytes(data.GetRawText()));
        }

        if (OptionalString(body, "b64data") is { Length: > 0 } b64)
        {
            return RawJson.TryFromBase64(b64, out var decoded) ? decoded : throw ApiError.BadRequest("b64data must be the base64 of one JSON value");
        }

        throw ApiError.BadRequest("data is required");
    }

    private static Dictionary<string, string>? Tags(JsonElement body) =>
        body.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object
            ? tags.EnumerateObject().ToDictionary(t => t.Name, t => t.Value.GetString() ?? "", StringComparer.Ordinal)
            : null;

    private static string RequiredString(JsonElement body, string name) =>
        OptionalString(body, name) is { Length: > 0 } value ? value : throw ApiError.BadRequest(name + " is required");

    private static string? OptionalString(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonObject ClientInfoJson(string user, string client, JsonElement? connInfo, JsonElement? chanInfo)
    {
        var info = new JsonObject { ["user"] = user, ["client"] = client };
        if (connInfo is { } c) info["conn_info"] = JsonNode.Parse(c.GetRawText());
        if (chanInfo is { } h) info["chan_info"] = JsonNode.Parse(h.GetRawText());
        return info;
    }

    private static string InfoJson(Protocol.Replies.ClientInfo info) =>
        Encoding.UTF8.GetString(FrameEncoder.Encode(info, static (w, i) => Protocol.Replies.ProtocolJson.WriteClientInfo(w, i)));
}
