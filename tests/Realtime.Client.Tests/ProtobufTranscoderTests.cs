using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Realtime.Client.Tests;

/// <summary>The Protobuf format as client.proto numbers it, checked byte by byte.</summary>
public sealed class ProtobufTranscoderTests
{
    [Fact]
    public void A_publish_command_is_a_length_delimited_command_with_its_data_as_json_bytes()
    {
        var output = new ArrayBufferWriter<byte>();
        ProtobufTranscoder.WriteCommand(Encoding.UTF8.GetBytes("""{"id":1,"publish":{"channel":"c","data":{"a":1}}}"""), output);

        // Command{id=1 (08 01), publish=7 (3a …){channel=1 (0a 01 'c'), data=2 (12 07 '{"a":1}')}}
        byte[] expected = [0x10, 0x08, 0x01, 0x3a, 0x0c, 0x0a, 0x01, (byte)'c', 0x12, 0x07, .. "{\"a\":1}"u8];
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Replies_and_pushes_read_back_as_the_json_the_client_understands()
    {
        // Reply{id=3, subscribe=6{recoverable, epoch "e", offset 2, publications [{data {"n":1}, offset 1, tags {"k":"v"}}]}}, then an empty reply (a ping).
        byte[] publication = [0x22, 0x07, .. "{\"n\":1}"u8, 0x30, 0x01, 0x3a, 0x06, 0x0a, 0x01, (byte)'k', 0x12, 0x01, (byte)'v'];
        byte[] subscribe = [0x18, 0x01, 0x32, 0x01, (byte)'e', 0x3a, (byte)publication.Length, .. publication, 0x48, 0x02];
        byte[] reply = [0x08, 0x03, 0x32, (byte)subscribe.Length, .. subscribe];
        byte[] message = [(byte)reply.Length, .. reply, 0x00];

        var documents = ProtobufTranscoder.ReadReplies(message).ToList();

        Assert.Equal(2, documents.Count);
        var root = documents[0].RootElement;
        Assert.Equal(3u, root.GetProperty("id").GetUInt32());
        var result = root.GetProperty("subscribe");
        Assert.True(result.GetProperty("recoverable").GetBoolean());
        Assert.Equal(("e", 2UL), (result.GetProperty("epoch").GetString(), result.GetProperty("offset").GetUInt64()));
        var pub = Assert.Single(result.GetProperty("publications").EnumerateArray());
        Assert.Equal(1, pub.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal(1UL, pub.GetProperty("offset").GetUInt64());
        Assert.Equal("v", pub.GetProperty("tags").GetProperty("k").GetString());
        Assert.Equal(JsonValueKind.Object, documents[1].RootElement.ValueKind);
        Assert.Empty(documents[1].RootElement.EnumerateObject());
    }
}
