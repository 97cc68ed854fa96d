using System.Buffers;
using System.Text;
using Realtime.Gateway.Transport;

namespace Realtime.Gateway.Tests;

public sealed class UpgradeRequestHeadTests
{
    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.ASCII.GetBytes(text));

    [Theory]
    [InlineData("GET /connection/websocket HTTP/1.1\r\n", true)]
    [InlineData("GET /connection/websocket?format=json HTTP/1.1\r\n", true)]
    [InlineData("GET /connection/websocketx HTTP/1.1\r\n", false)]
    [InlineData("GET /health HTTP/1.1\r\n", false)]
    [InlineData("POST /connection/websocket HTTP/1.1\r\n", false)]
    [InlineData("PRI * HTTP/2.0\r\n", false)]
    [InlineData("\u0016\u0003\u0001", false)]
    [InlineData("GE", null)]
    [InlineData("GET /connection/websocket", null)]
    public void A_connection_is_a_candidate_only_for_the_endpoint_and_undecided_while_its_start_could_still_be(string start, bool? expected) =>
        Assert.Equal(expected, UpgradeRequestHead.IsCandidate(Bytes(start)));

    [Fact]
    public void The_head_ends_after_its_blank_line_even_across_segments()
    {
        Assert.Null(UpgradeRequestHead.FindEnd(Bytes("GET / HTTP/1.1\r\nHost: a\r\n")));
        var text = "GET / HTTP/1.1\r\nHost: a\r\n\r\n{frame}";
        var first = Encoding.ASCII.GetBytes(text[..20]);
        var second = Encoding.ASCII.GetBytes(text[20..]);
        var segmented = Segments.Of(first, second);
        var end = UpgradeRequestHead.FindEnd(segmented);
        Assert.NotNull(end);
        Assert.Equal(text.Length - "{frame}".Length, segmented.Slice(0, end.Value).Length);
    }

    [Fact]
    public void Headers_are_read_case_insensitively_with_token_lists_and_repeats_joined()
    {
        var head = UpgradeRequestHead.Parse(Encoding.ASCII.GetBytes(
            "GET /connection/websocket?x=1 HTTP/1.1\r\nUPGRADE: h2c, WebSocket\r\nconnection: keep-alive,upgrade\r\nsec-websocket-key:  dGhlIHNhbXBsZSBub25jZQ==\t\r\n" +
            "Sec-WebSocket-Version: 13\r\nX-Tenant: a\r\nAuthorization: Bearer t\r\nx-tenant: b\r\n\r\n"), ["X-Tenant", "Cookie"]);
        Assert.NotNull(head);
        Assert.True(head.UpgradesToWebSocket);
        Assert.True(head.ConnectionUpgrade);
        Assert.True(head.HasValidKey());
        Assert.Equal("13", head.Version);
        Assert.Null(head.Origin);
        Assert.Equal("a,b", head.ProxyHeaders!["X-Tenant"]);
        Assert.False(head.ProxyHeaders.ContainsKey("Cookie"));
        Assert.False(head.ProxyHeaders.ContainsKey("Authorization"));
    }

    [Theory]
    [InlineData("GET /connection/websocket HTTP/1.0\r\n\r\n")]
    [InlineData("GET /connection/websocket x HTTP/1.1\r\n\r\n")]
    [InlineData("GET /connection/websocket HTTP/1.1\r\nNoColon\r\n\r\n")]
    [InlineData("GET /connection/websocket HTTP/1.1\r\nName : value\r\n\r\n")]
    [InlineData("GET /connection/websocket HTTP/1.1\r\nA: b\r\n folded\r\n\r\n")]
    public void Malformed_heads_are_refused(string text) =>
        Assert.Null(UpgradeRequestHead.Parse(Encoding.ASCII.GetBytes(text), []));

    [Fact]
    public void Without_configured_proxy_headers_none_are_collected() =>
        Assert.Null(UpgradeRequestHead.Parse(Encoding.ASCII.GetBytes("GET /connection/websocket HTTP/1.1\r\nCookie: a\r\n\r\n"), [])!.ProxyHeaders);

    [Fact]
    public void The_accept_key_is_rfc_6455s() =>
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", UpgradeRequestHead.AcceptFor("dGhlIHNhbXBsZSBub25jZQ=="));

    private sealed class Segments : ReadOnlySequenceSegment<byte>
    {
        private Segments(byte[] bytes) => Memory = bytes;

        public static ReadOnlySequence<byte> Of(byte[] first, byte[] second)
        {
            var head = new Segments(first);
            var tail = new Segments(second) { RunningIndex = first.Length };
            head.Next = tail;
            return new ReadOnlySequence<byte>(head, 0, tail, second.Length);
        }
    }
}
