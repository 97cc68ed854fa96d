using System.Text;
using System.Text.Json;

namespace Realtime.Bench.Tests.StandIn;

/// <summary>The frames the stand-in writes: just the replies and pushes the bench reads.</summary>
internal static class StandInFrames
{
    public static string ConnectReply(uint id) => Reply(id, "connect", w => w.WriteString("client", "x"));

    public static string SubscribeReply(uint id, ulong offset) => Reply(id, "subscribe", w =>
    {
        w.WriteString("epoch", "e");
        w.WriteNumber("offset", offset);
    });

    public static string PublishReply(uint id) => Reply(id, "publish", _ => { });

    public static string ErrorReply(uint id, int code) => Reply(id, "error", w =>
    {
        w.WriteNumber("code", code);
        w.WriteString("message", "refused by the stand-in");
    });

    /// <summary>A publication push; <paramref name="data"/> is the published JSON, passed on as is.</summary>
    public static string Push(string channel, string data, ulong offset) => Write(w =>
    {
        w.WriteStartObject("push");
        w.WriteString("channel", channel);
        w.WriteStartObject("pub");
        w.WritePropertyName("data");
        w.WriteRawValue(data, skipInputValidation: true);
        w.WriteNumber("offset", offset);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static string Reply(uint id, string method, Action<Utf8JsonWriter> result) => Write(w =>
    {
        w.WriteNumber("id", id);
        w.WriteStartObject(method);
        result(w);
        w.WriteEndObject();
    });

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
