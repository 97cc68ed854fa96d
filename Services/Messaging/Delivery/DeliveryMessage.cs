using System.Buffers.Text;
using Realtime.Messaging.Publications;

namespace Realtime.Messaging.Delivery;

/// <summary>
/// The live-delivery message fanout publishes to gateway nodes: a header line
/// <c>"{offset} {epoch}\n"</c> followed by the publication's JSON. The header is prepended
/// inside the sequencing script, where the offset is assigned, so the offset a subscriber sees
/// is the one stored in the same atomic step.
/// </summary>
public static class DeliveryMessage
{
    public static SequencedPublication Decode(ReadOnlyMemory<byte> message)
    {
        var span = message.Span;
        var newline = span.IndexOf((byte)'\n');
        if (newline < 0)
        {
            throw new InvalidDataException("delivery message has no header");
        }

        var header = span[..newline];
        var space = header.IndexOf((byte)' ');
        if (space < 0 || !Utf8Parser.TryParse(header[..space], out ulong offset, out var consumed) || consumed != space)
        {
            throw new InvalidDataException("delivery message header is malformed");
        }

        var epoch = System.Text.Encoding.UTF8.GetString(header[(space + 1)..]);
        var publication = PublicationCodec.Decode(message[(newline + 1)..]);
        return new SequencedPublication(publication, offset, epoch);
    }

    /// <summary>Builds the same bytes the sequencing script publishes (used by tests and tools).</summary>
    public static byte[] Encode(SequencedPublication sequenced)
    {
        var header = System.Text.Encoding.UTF8.GetBytes($"{sequenced.Offset} {sequenced.Epoch}\n");
        var body = PublicationCodec.Encode(sequenced.Publication);
        return [.. header, .. body];
    }
}
