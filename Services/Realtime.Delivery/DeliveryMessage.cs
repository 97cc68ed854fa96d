using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Realtime.Messaging.Publications;
using Realtime.Protocol;
using Realtime.Protocol.Replies;

namespace Realtime.Delivery;

/// <summary>
/// What travels on a channel's delivery pub/sub channel to gateway nodes. A publication is a
/// header line <c>"{offset} {epoch}\n"</c> and the publication's JSON; the header is prepended
/// inside the sequencing script, where the offset is assigned, so subscribers see exactly the
/// offset stored in the same atomic step. Join and leave events are <c>"join\n"</c> or
/// <c>"leave\n"</c> and the client's info, so they reach every node in the same order as the
/// channel's publications.
/// </summary>
public static class DeliveryMessage
{
    private static ReadOnlySpan<byte> JoinHeader => "join"u8;
    private static ReadOnlySpan<byte> LeaveHeader => "leave"u8;

    public static DeliveryEvent Decode(ReadOnlyMemory<byte> message)
    {
        var span = message.Span;
        var newline = span.IndexOf((byte)'\n');
        if (newline < 0)
        {
            throw new InvalidDataException("delivery message has no header");
        }

        var header = span[..newline];
        var body = message[(newline + 1)..];
        if (header.SequenceEqual(JoinHeader) || header.SequenceEqual(LeaveHeader))
        {
            var kind = header.SequenceEqual(JoinHeader) ? DeliveryEventKind.Join : DeliveryEventKind.Leave;
            return new DeliveryEvent(kind, null, ReadClientInfo(body));
        }

        var space = header.IndexOf((byte)' ');
        if (space < 0 || !Utf8Parser.TryParse(header[..space], out ulong offset, out var consumed) || consumed != space)
        {
            throw new InvalidDataException("delivery message header is malformed");
        }

        var epoch = Encoding.UTF8.GetString(header[(space + 1)..]);
        var publication = PublicationCodec.Decode(body);
        return new DeliveryEvent(DeliveryEventKind.Publication, new SequencedPublication(publication, offset, epoch), null);
    }

    /// <summary>Builds the bytes the sequencing script publishes (used by tests and tools).</summary>
    public static byte[] Encode(SequencedPublication sequenced)
    {
        var header = Encoding.UTF8.GetBytes($"{sequenced.Offset} {sequenced.Epoch}\n");
        return [.. header, .. PublicationCodec.Encode(sequenced.Publication)];
    }

    public static byte[] EncodeJoin(ClientInfo info) => EncodePresence(JoinHeader, info);

    public static byte[] EncodeLeave(ClientInfo info) => EncodePresence(LeaveHeader, info);

    private static byte[] EncodePresence(ReadOnlySpan<byte> header, ClientInfo info)
    {
        var body = FrameEncoder.Encode(info, static (w, i) => ProtocolJson.WriteClientInfo(w, i));
        var message = new byte[header.Length + 1 + body.Length];
        header.CopyTo(message);
        message[header.Length] = (byte)'\n';
        body.CopyTo(message.AsSpan(header.Length + 1));
        return message;
    }

    private static ClientInfo ReadClientInfo(ReadOnlyMemory<byte> json)
    {
        var reader = new Utf8JsonReader(json.Span);
        reader.Read();
        return PublicationCodec.ReadInfo(ref reader, json) ?? throw new InvalidDataException("join/leave without client info");
    }
}

public enum DeliveryEventKind
{
    Publication,
    Join,
    Leave,
}

/// <summary>One decoded delivery: a sequenced publication, or a client joining or leaving.</summary>
public sealed record DeliveryEvent(DeliveryEventKind Kind, SequencedPublication? Publication, ClientInfo? Client);
