namespace Realtime.Messaging.Log;

/// <summary>
/// One message in the publication log. <see cref="Key"/> is the channel: records with the same
/// key keep their order. <see cref="Headers"/> carry W3C trace context across the log.
/// </summary>
public sealed record LogRecord(string Key, ReadOnlyMemory<byte> Payload, IReadOnlyDictionary<string, string> Headers)
{
    public static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();
}
