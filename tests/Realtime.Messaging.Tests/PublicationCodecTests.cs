using System.Text;
using Realtime.Delivery;
using Realtime.Messaging.Publications;
using Realtime.Protocol;
using Realtime.Protocol.Replies;

namespace Realtime.Messaging.Tests;

public sealed class PublicationCodecTests
{
    private static readonly PublicationEnvelope Sample = new()
    {
        Id = "p1",
        Channel = "chat:room",
        Data = RawJson.FromString("""{"text":"hi","n":[1,2.5]}"""),
        Info = new ClientInfo("u1", "c1", RawJson.FromString("""{"name":"Ann"}""")),
        Tags = new Dictionary<string, string> { ["lang"] = "en" },
        Time = 1_700_000_000_123,
        TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    };

    [Fact]
    public void Envelope_round_trips_with_exact_data_bytes()
    {
        var decoded = PublicationCodec.DecodeSequenced(PublicationCodec.Encode(Sample));
        Assert.Equal(0UL, decoded.Offset);
        Assert.Equal("", decoded.Epoch);
        AssertSame(Sample, decoded.Publication);
    }

    [Fact]
    public void Sequenced_publication_round_trips()
    {
        var decoded = PublicationCodec.DecodeSequenced(PublicationCodec.Encode(new SequencedPublication(Sample, 12, "ep")));
        Assert.Equal(12UL, decoded.Offset);
        Assert.Equal("ep", decoded.Epoch);
        AssertSame(Sample, decoded.Publication);
    }

    [Fact]
    public void Delivery_message_header_carries_offset_and_epoch()
    {
        var bytes = DeliveryMessage.Encode(new SequencedPublication(Sample, 99, "e1"));
        Assert.StartsWith("99 e1\n{", Encoding.UTF8.GetString(bytes));
        var decoded = DeliveryMessage.Decode(bytes);
        Assert.Equal(DeliveryEventKind.Publication, decoded.Kind);
        Assert.Equal(99UL, decoded.Publication!.Offset);
        Assert.Equal("e1", decoded.Publication.Epoch);
        AssertSame(Sample, decoded.Publication.Publication);
    }

    [Fact]
    public void Join_and_leave_events_carry_the_client()
    {
        var info = new ClientInfo("u1", "c1", RawJson.FromString("{\"a\":1}"), RawJson.FromString("[2]"));
        var join = DeliveryMessage.Decode(DeliveryMessage.EncodeJoin(info));
        var leave = DeliveryMessage.Decode(DeliveryMessage.EncodeLeave(info));
        Assert.Equal(DeliveryEventKind.Join, join.Kind);
        Assert.Equal(DeliveryEventKind.Leave, leave.Kind);
        Assert.Equal("u1", join.Client!.User);
        Assert.Equal("c1", leave.Client!.Client);
        Assert.Equal("{\"a\":1}", join.Client.ConnInfo.ToString());
        Assert.Equal("[2]", join.Client.ChanInfo.ToString());
    }

    [Theory]
    [InlineData("no header")]
    [InlineData("x e1\n{}")]
    [InlineData("5e1\n{}")]
    public void Malformed_delivery_message_is_rejected(string message)
    {
        Assert.Throws<InvalidDataException>(() => DeliveryMessage.Decode(Encoding.UTF8.GetBytes(message)));
    }

    [Fact]
    public void Sequenced_records_are_read_in_the_delivery_form_and_in_the_earlier_json_form()
    {
        var sequenced = new SequencedPublication(Sample, 41, "ep7");

        foreach (var record in new[] { SequencedRecord.Encode(sequenced), PublicationCodec.Encode(sequenced) })
        {
            var decoded = SequencedRecord.Decode(record);
            Assert.Equal(41UL, decoded.Offset);
            Assert.Equal("ep7", decoded.Epoch);
            AssertSame(Sample, decoded.Publication);
        }

        Assert.Equal(DeliveryMessage.Encode(sequenced), SequencedRecord.Encode(sequenced));
        Assert.Throws<InvalidDataException>(() => SequencedRecord.Decode(DeliveryMessage.EncodeJoin(new ClientInfo("u", "c", default, default))));
    }

    private static void AssertSame(PublicationEnvelope expected, PublicationEnvelope actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Channel, actual.Channel);
        Assert.Equal(expected.Data.ToString(), actual.Data.ToString());
        Assert.Equal(expected.Info!.User, actual.Info!.User);
        Assert.Equal(expected.Info.Client, actual.Info.Client);
        Assert.Equal(expected.Info.ConnInfo.ToString(), actual.Info.ConnInfo.ToString());
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.Time, actual.Time);
        Assert.Equal(expected.TraceParent, actual.TraceParent);
    }
}
