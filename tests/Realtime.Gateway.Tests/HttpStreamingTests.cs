using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Realtime.Delivery.Control;
using StackExchange.Redis;
using Realtime.Testing;
using Wire = Realtime.Protocol.Protobuf.Wire;

namespace Realtime.Gateway.Tests;

/// <summary>
/// The HTTP-streaming and SSE transports on real gateway nodes: the connect command with the
/// streaming request, later commands by <c>POST /emulation</c> (to the session's node, or to
/// another node that relays them through Redis), replies and pushes on the stream, and a
/// disconnect as a disconnect push that ends the stream.
/// </summary>
public sealed class HttpStreamingTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private RedisServer _redis = null!;
    private readonly HttpClient _http = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _redis.DisposeAsync();
    }

    [Theory]
    [InlineData("http_stream", false)]
    [InlineData("http_stream", true)]
    [InlineData("sse", false)]
    [InlineData("sse", true)]
    public async Task A_json_client_connects_subscribes_publishes_and_receives_over_the_stream(string transport, bool emulateThroughOtherNode)
    {
        await using var home = await GatewayHost.StartAsync(_redis, Node("home"));
        await using var other = emulateThroughOtherNode ? await GatewayHost.StartAsync(_redis, Node("other")) : null;
        await using var stream = await JsonStream.OpenAsync(_http, home.Address, transport, """{"id":1,"connect":{"name":"test"}}""");

        var connect = (await stream.ReplyAsync(1))["connect"]!;
        var session = (string)connect["session"]!;
        Assert.Equal("home", (string?)connect["node"]);
        Assert.Equal(32, session.Length);
        Assert.NotEqual((string?)connect["client"], session);

        // Two commands in one request, as the SDK batches them; the data is a JSON string.
        var emulation = (other ?? home).Address;
        Assert.Equal(HttpStatusCode.NoContent, await EmulateAsync(emulation, session, "home",
            "{\"id\":2,\"subscribe\":{\"channel\":\"news\"}}\n{\"id\":3,\"publish\":{\"channel\":\"news\",\"data\":{\"text\":\"hi\"}}}"));
        Assert.NotNull((await stream.ReplyAsync(2))["subscribe"]);
        Assert.NotNull((await stream.ReplyAsync(3))["publish"]);

        // Pushes reach the stream too (a server-API message through the node control channel).
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        await ControlChannel.SendAsync(redis, new NodeCommand { Op = NodeCommandKind.Message, Client = (string)connect["client"]!, Data = JsonDocument.Parse("""{"text":"hi"}""").RootElement });
        Assert.Equal("hi", (string?)(await stream.PushAsync("message"))["message"]!["data"]!["text"]);

        // Batches run in the order they arrive, each after the one before it.
        for (var i = 0; i < 5; i++)
        {
            await EmulateAsync(emulation, session, "home", $"{{\"id\":{10 + i},\"ping\":{{}}}}");
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal((uint)(10 + i), (uint)(await stream.NextAsync(_ => true))["id"]!);
        }
    }

    [Fact]
    public async Task A_protobuf_client_streams_length_delimited_replies()
    {
        await using var home = await GatewayHost.StartAsync(_redis, Node("home"));
        await using var other = await GatewayHost.StartAsync(_redis, Node("other"));
        using var connect = new ByteArrayContent(Delimited(new Wire.Command { Id = 1, Connect = new Wire.ConnectRequest { Name = "test" } }));
        connect.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(home.Address, "/connection/http_stream")) { Content = connect };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var deadline = new CancellationTokenSource(Timeout);

        var reply = await ReadDelimitedAsync(body, deadline.Token);
        Assert.Equal(1u, reply.Id);
        Assert.Equal("home", reply.Connect.Node);
        Assert.Equal(32, reply.Connect.Session.Length);

        var emulation = new Wire.EmulationRequest
        {
            Node = "home",
            Session = reply.Connect.Session,
            Data = ByteString.CopyFrom(Delimited(
                new Wire.Command { Id = 2, Subscribe = new Wire.SubscribeRequest { Channel = "news" } },
                new Wire.Command { Id = 3, Publish = new Wire.PublishRequest { Channel = "news", Data = ByteString.CopyFromUtf8("{\"n\":1}") } },
                new Wire.Command { Id = 4, Ping = new Wire.PingRequest() })),
        };
        using var content = new ByteArrayContent(emulation.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var posted = await _http.PostAsync(new Uri(other.Address, "/emulation"), content);
        Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);

        var subscribed = await ReadDelimitedAsync(body, deadline.Token);
        Assert.Equal(2u, subscribed.Id);
        Assert.NotNull(subscribed.Subscribe);
        var published = await ReadDelimitedAsync(body, deadline.Token);
        Assert.Equal(3u, published.Id);
        Assert.Null(published.Error);
        Assert.Equal(4u, (await ReadDelimitedAsync(body, deadline.Token)).Id);
    }

    [Theory]
    [InlineData("http_stream")]
    [InlineData("sse")]
    public async Task A_bad_command_ends_the_stream_with_a_disconnect_push(string transport)
    {
        await using var home = await GatewayHost.StartAsync(_redis, Node("home"));
        await using var stream = await JsonStream.OpenAsync(_http, home.Address, transport, """{"id":1,"connect":{}}""");
        var session = (string)(await stream.ReplyAsync(1))["connect"]!["session"]!;

        await EmulateAsync(home.Address, session, "home", "not json");
        var disconnect = (await stream.PushAsync("disconnect"))["disconnect"]!;
        Assert.Equal(3501, (int)disconnect["code"]!);
        Assert.True(await stream.EndedAsync());
        // The session is gone: its id names nothing any more.
        Assert.Equal(HttpStatusCode.NotFound, await EmulateAsync(home.Address, session, "home", """{"id":2,"ping":{}}"""));
    }

    [Fact]
    public async Task Requests_that_name_no_session_or_are_malformed_or_too_large_are_refused()
    {
        await using var home = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:NodeName"] = "home", ["Gateway:MaxFrameSize"] = "1024" });
        Assert.Equal(HttpStatusCode.NotFound, await EmulateAsync(home.Address, "0123456789abcdef0123456789abcdef", "home", """{"id":1,"ping":{}}"""));
        Assert.Equal(HttpStatusCode.NotFound, await EmulateAsync(home.Address, "0123456789abcdef0123456789abcdef", "nobody", """{"id":1,"ping":{}}"""));

        using var malformed = await _http.PostAsync(new Uri(home.Address, "/emulation"), new StringContent("[1,2", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        var huge = new string('x', 8 * 1024);
        using var oversize = await _http.PostAsync(new Uri(home.Address, "/connection/http_stream"),
            new StringContent($"{{\"id\":1,\"connect\":{{\"name\":\"{huge}\"}}}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversize.StatusCode);
        using var empty = await _http.PostAsync(new Uri(home.Address, "/connection/http_stream"), new StringContent("", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    [Fact]
    public async Task A_client_flooding_emulation_requests_is_closed_with_3013()
    {
        await using var home = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?>
        {
            ["Gateway:NodeName"] = "home",
            ["Gateway:MaxPendingEmulationRequests"] = "1",
            // Each publish waits for the presence-free log append; a burst outruns one slot.
            ["Gateway:CommandRateLimit"] = "0",
        });
        await using var stream = await JsonStream.OpenAsync(_http, home.Address, "http_stream", """{"id":1,"connect":{}}""");
        var session = (string)(await stream.ReplyAsync(1))["connect"]!["session"]!;
        var batch = string.Join('\n', Enumerable.Range(2, 200).Select(i => $"{{\"id\":{i},\"publish\":{{\"channel\":\"news\",\"data\":{{}}}}}}"));
        var posts = Enumerable.Range(0, 20).Select(_ => EmulateAsync(home.Address, session, "home", batch)).ToArray();
        await Task.WhenAll(posts);
        Assert.Equal(3013, (int)(await stream.PushAsync("disconnect"))["disconnect"]!["code"]!);
    }

    [Fact]
    public async Task Server_pings_arrive_on_the_stream_and_pongs_come_back_as_emulation_requests()
    {
        await using var home = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?>
        {
            ["Gateway:NodeName"] = "home",
            ["Gateway:PingInterval"] = "00:00:01",
            ["Gateway:PongTimeout"] = "00:00:02",
        });
        await using var answering = await JsonStream.OpenAsync(_http, home.Address, "sse", """{"id":1,"connect":{}}""");
        var session = (string)(await answering.ReplyAsync(1))["connect"]!["session"]!;
        await using var silent = await JsonStream.OpenAsync(_http, home.Address, "http_stream", """{"id":1,"connect":{}}""");
        await silent.ReplyAsync(1);

        // The answering client pongs each ping (an empty command) and stays; the silent one is closed with 3012.
        for (var pings = 0; pings < 4; pings++)
        {
            await answering.NextAsync(frame => frame.AsObject().Count == 0);
            Assert.Equal(HttpStatusCode.NoContent, await EmulateAsync(home.Address, session, "home", "{}"));
        }

        Assert.Equal(3012, (int)(await silent.PushAsync("disconnect"))["disconnect"]!["code"]!);
        Assert.Equal(HttpStatusCode.NoContent, await EmulateAsync(home.Address, session, "home", """{"id":2,"ping":{}}"""));
        await answering.ReplyAsync(2);
    }

    [Fact]
    public async Task A_client_that_stops_reading_its_stream_is_cut_off_with_bounded_memory()
    {
        await using var home = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?>
        {
            ["Gateway:NodeName"] = "home",
            ["Gateway:MaxQueuedBytes"] = "65536",
        });
        await using var stream = await JsonStream.OpenAsync(_http, home.Address, "http_stream", """{"id":1,"connect":{}}""");
        var connect = (await stream.ReplyAsync(1))["connect"]!;
        var session = (string)connect["session"]!;

        // Never read again; push far more than the socket buffers and the queue hold.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var payload = JsonDocument.Parse(JsonSerializer.Serialize(new string('x', 60_000))).RootElement;
        using var deadline = new CancellationTokenSource(Timeout);
        while (await EmulateAsync(home.Address, session, "home", "{}") == HttpStatusCode.NoContent)
        {
            deadline.Token.ThrowIfCancellationRequested();
            for (var i = 0; i < 50; i++)
            {
                await ControlChannel.SendAsync(redis, new NodeCommand { Op = NodeCommandKind.Message, Client = (string)connect["client"]!, Data = payload });
            }
        }
    }

    [Fact]
    public async Task A_draining_node_refuses_new_streams_and_sends_3001_to_open_ones()
    {
        var home = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:DrainDelay"] = "00:00:02", ["Gateway:DrainWindow"] = "00:00:01" });
        await using (home)
        {
            await using var stream = await JsonStream.OpenAsync(_http, home.Address, "http_stream", """{"id":1,"connect":{}}""");
            await stream.ReplyAsync(1);
            var stopping = home.StopAsync();
            using (var refused = await _http.PostAsync(new Uri(home.Address, "/connection/http_stream"), new StringContent("""{"id":1,"connect":{}}""", Encoding.UTF8, "application/json")))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            }

            Assert.Equal(3001, (int)(await stream.PushAsync("disconnect"))["disconnect"]!["code"]!);
            Assert.True(await stream.EndedAsync());
            await stopping;
        }
    }

    [Fact]
    public async Task Cross_origin_browsers_are_answered_for_allowed_origins_only()
    {
        await using var home = await GatewayHost.StartAsync(_redis, new Dictionary<string, string?> { ["Gateway:AllowedOrigins:0"] = "https://app.example.com" });
        using var preflight = new HttpRequestMessage(HttpMethod.Options, new Uri(home.Address, "/emulation"));
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var allowed = await _http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("https://app.example.com", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var stranger = new HttpRequestMessage(HttpMethod.Post, new Uri(home.Address, "/connection/http_stream"))
        {
            Content = new StringContent("""{"id":1,"connect":{}}""", Encoding.UTF8, "application/json"),
        };
        stranger.Headers.Add("Origin", "https://evil.example.org");
        using var refused = await _http.SendAsync(stranger);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private static Dictionary<string, string?> Node(string name) => new() { ["Gateway:NodeName"] = name };

    private async Task<HttpStatusCode> EmulateAsync(Uri gateway, string session, string node, string commands)
    {
        var body = JsonSerializer.Serialize(new JsonObject { ["session"] = session, ["node"] = node, ["data"] = commands });
        using var response = await _http.PostAsync(new Uri(gateway, "/emulation"), new StringContent(body, Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    private static byte[] Delimited(params Wire.Command[] commands)
    {
        using var stream = new MemoryStream();
        foreach (var command in commands)
        {
            command.WriteDelimitedTo(stream);
        }

        return stream.ToArray();
    }

    /// <summary>One length-delimited reply from the stream (a varint length, then the message).</summary>
    private static async Task<Wire.Reply> ReadDelimitedAsync(Stream body, CancellationToken cancellation)
    {
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            var one = new byte[1];
            await body.ReadExactlyAsync(one, cancellation);
            length |= (one[0] & 0x7F) << shift;
            if ((one[0] & 0x80) == 0)
            {
                break;
            }
        }

        var message = new byte[length];
        await body.ReadExactlyAsync(message, cancellation);
        return Wire.Reply.Parser.ParseFrom(message);
    }

    /// <summary>A JSON client's stream: newline-ended replies (HTTP-streaming) or <c>data:</c> events (SSE).</summary>
    private sealed class JsonStream : IAsyncDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly StreamReader _reader;
        private readonly bool _sse;
        private readonly Queue<JsonNode> _pending = new();

        private JsonStream(HttpResponseMessage response, StreamReader reader, bool sse)
        {
            _response = response;
            _reader = reader;
            _sse = sse;
        }

        public static async Task<JsonStream> OpenAsync(HttpClient http, Uri gateway, string transport, string connect)
        {
            HttpRequestMessage request = transport == "sse"
                ? new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, "/connection/sse?cf_connect=" + Uri.EscapeDataString(connect)))
                : new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/connection/http_stream")) { Content = new StringContent(connect, Encoding.UTF8, "application/json") };
            using (request)
            {
                var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(transport == "sse" ? "text/event-stream" : "application/json", response.Content.Headers.ContentType?.MediaType);
                return new JsonStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()), transport == "sse");
            }
        }

        public Task<JsonNode> ReplyAsync(uint id) => NextAsync(node => (uint?)node["id"] == id);

        public async Task<JsonNode> PushAsync(string kind) => (await NextAsync(node => node["push"]?[kind] is not null))["push"]!;

        /// <summary>True once the server ended the response (after nothing more than pings).</summary>
        public async Task<bool> EndedAsync()
        {
            using var deadline = new CancellationTokenSource(Timeout);
            while (await ReadLineAsync(deadline.Token) is { } line)
            {
                if (line.Length > 0 && line != "{}" && line != "data: {}")
                {
                    return false;
                }
            }

            return true;
        }

        public async Task<JsonNode> NextAsync(Func<JsonNode, bool> wanted)
        {
            using var deadline = new CancellationTokenSource(Timeout);
            while (true)
            {
                while (_pending.TryDequeue(out var queued))
                {
                    if (wanted(queued))
                    {
                        return queued;
                    }
                }

                var line = await ReadLineAsync(deadline.Token) ?? throw new EndOfStreamException("the stream ended");
                if (_sse)
                {
                    if (!line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        Assert.Equal("", line); // An event ends with an empty line; nothing else is sent.
                        continue;
                    }

                    line = line["data: ".Length..];
                }

                _pending.Enqueue(JsonNode.Parse(line)!);
            }
        }

        private async Task<string?> ReadLineAsync(CancellationToken cancellation) => await _reader.ReadLineAsync(cancellation);

        public ValueTask DisposeAsync()
        {
            _reader.Dispose();
            _response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
