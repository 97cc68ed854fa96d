using System.Text.Json;
using System.Text.Json.Serialization;

namespace Realtime.Gateway.Proxy;

// The JSON bodies of Centrifugo's HTTP proxy protocol. Payloads of the JSON client protocol
// travel as embedded JSON (`data`); `b64data` carries binary payloads.

internal sealed record ProxyRequest
{
    [JsonPropertyName("client")] public required string Client { get; init; }
    [JsonPropertyName("transport")] public string Transport { get; init; } = "websocket";
    [JsonPropertyName("protocol")] public string Protocol { get; init; } = "json";
    [JsonPropertyName("encoding")] public string Encoding { get; init; } = "json";
    [JsonPropertyName("user")] public string? User { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("version")] public string? Version { get; init; }
    [JsonPropertyName("channel")] public string? Channel { get; init; }
    [JsonPropertyName("token")] public string? Token { get; init; }
    [JsonPropertyName("method")] public string? Method { get; init; }
    [JsonPropertyName("data")] public JsonElement? Data { get; init; }
    [JsonPropertyName("headers")] public Dictionary<string, string>? Headers { get; init; }
}

internal sealed record ProxyResponse
{
    [JsonPropertyName("result")] public ProxyResult? Result { get; init; }
    [JsonPropertyName("error")] public ProxyError? Error { get; init; }
    [JsonPropertyName("disconnect")] public ProxyDisconnect? Disconnect { get; init; }
}

/// <summary>The union of the fields proxies return; each call reads the ones it defines.</summary>
internal sealed record ProxyResult
{
    [JsonPropertyName("user")] public string? User { get; init; }
    [JsonPropertyName("expire_at")] public long ExpireAt { get; init; }
    [JsonPropertyName("expired")] public bool Expired { get; init; }
    [JsonPropertyName("info")] public JsonElement? Info { get; init; }
    [JsonPropertyName("b64info")] public string? B64Info { get; init; }
    [JsonPropertyName("data")] public JsonElement? Data { get; init; }
    [JsonPropertyName("b64data")] public string? B64Data { get; init; }
    [JsonPropertyName("channels")] public List<string>? Channels { get; init; }
}

internal sealed record ProxyError(
    [property: JsonPropertyName("code")] uint Code,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("temporary")] bool Temporary);

internal sealed record ProxyDisconnect(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("reason")] string? Reason);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProxyRequest))]
[JsonSerializable(typeof(ProxyResponse))]
internal sealed partial class ProxyJsonContext : JsonSerializerContext;
