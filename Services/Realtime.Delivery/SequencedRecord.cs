using Realtime.Messaging.Publications;

namespace Realtime.Delivery;

/// <summary>
/// What the sequenced topic carries to the history service: a sequenced publication in the form
/// gateways receive it (<c>"{offset} {epoch}\n"</c> and the publication's JSON, see
/// <see cref="DeliveryMessage"/>), which the sequencing script can write itself; records appended
/// before that form was adopted hold the publication's JSON with offset and epoch inside, and
/// are still read.
/// </summary>
public static class SequencedRecord
{
    public static byte[] Encode(SequencedPublication sequenced) => DeliveryMessage.Encode(sequenced);

    public static SequencedPublication Decode(ReadOnlyMemory<byte> payload) =>
        !payload.IsEmpty && payload.Span[0] == (byte)'{'
            ? PublicationCodec.DecodeSequenced(payload)
            : DeliveryMessage.Decode(payload).Publication ?? throw new InvalidDataException("a sequenced record holds a presence event, not a publication");
}
