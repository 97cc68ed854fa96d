namespace Realtime.Protocol;

/// <summary>The client protocol's two encodings, chosen per connection when it opens.</summary>
public enum ProtocolFormat
{
    /// <summary>Text messages of newline-separated JSON commands and replies.</summary>
    Json,

    /// <summary>Binary messages of varint-length-delimited Protobuf commands and replies.</summary>
    Protobuf,
}
