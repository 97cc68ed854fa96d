using System.Buffers;
using System.Text.Json;

namespace Realtime.Client;

/// <summary>
/// The client protocol's JSON format (Centrifugo v2): commands written with a reusable
/// <see cref="Utf8JsonWriter"/>, replies and pushes read from the newline-separated objects of
/// one WebSocket message.
/// </summary>
internal static class ProtocolJson
{
    /// <summary>Writes <c>{"id":id,"method":{…}}</c> (no id for a send) into <paramref name="buffer"/>.</summary>
    public static void WriteCommand(ArrayBufferWriter<byte> buffer, uint id, string method, Action<Utf8JsonWriter> body)
    {
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartObject();
        if (id != 0)
        {
            writer.WriteNumber("id", id);
        }

        writer.WritePropertyName(method);
        writer.WriteStartObject();
        body(writer);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Splits one message into its JSON objects (the server joins several with newlines).</summary>
    public static IEnumerable<JsonDocument> Parse(ReadOnlyMemory<byte> message)
    {
        var rest = message;
        while (!rest.IsEmpty)
        {
            var newline = rest.Span.IndexOf((byte)'\n');
            var line = newline < 0 ? rest : rest[..newline];
            rest = newline < 0 ? ReadOnlyMemory<byte>.Empty : rest[(newline + 1)..];
            if (!line.Span.Trim((byte)' ').IsEmpty)
            {
                yield return JsonDocument.Parse(line);
            }
        }
    }

    public static ClientInfo? ReadInfo(JsonElement element, string property) =>
        element.TryGetProperty(property, out var info) && info.ValueKind == JsonValueKind.Object
            ? new ClientInfo(
                info.TryGetProperty("user", out var user) ? user.GetString() ?? "" : "",
                info.TryGetProperty("client", out var client) ? client.GetString() ?? "" : "",
                info.TryGetProperty("conn_info", out var connInfo) ? connInfo.Clone() : null,
                info.TryGetProperty("chan_info", out var chanInfo) ? chanInfo.Clone() : null)
            : null;

    public static Publication ReadPublication(string channel, JsonElement pub)
    {
        Dictionary<string, string>? tags = null;
        if (pub.TryGetProperty("tags", out var tagsElement) && tagsElement.ValueKind == JsonValueKind.Object)
        {
            tags = [];
            foreach (var tag in tagsElement.EnumerateObject())
            {
                tags[tag.Name] = tag.Value.GetString() ?? "";
            }
        }

        return new Publication(
            channel,
            pub.TryGetProperty("data", out var data) ? data.Clone() : default,
            GetUInt64(pub, "offset"),
            ReadInfo(pub, "info"),
            tags);
    }

    public static ulong GetUInt64(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetUInt64() : 0;

    public static bool GetBoolean(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;

    public static string GetString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
}
