using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Messaging.Log;

namespace Realtime.Messaging.Dapr.Tests;

/// <summary>
/// What the producer publishes, delivered back the way daprd delivers it, is the record the
/// producer was given: the two halves of the transport agree on the envelope.
/// </summary>
public sealed class DaprRoundTripTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly PublicationsHandler _publications = new();
    private readonly SequencedHandler _sequenced = new();
    private FakeDaprSidecar _sidecar = null!;
    private SubscriberApp _app = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await FakeDaprSidecar.StartAsync();
        _app = await SubscriberApp.StartAsync(_sidecar, _publications, _sequenced);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sidecar.DisposeAsync();
    }

    [Fact]
    public async Task A_published_record_is_delivered_to_the_handler_of_its_topic_unchanged()
    {
        const string payload = """{"id":"p9","channel":"news:1","offset":42,"epoch":"e1","data":[1,{"a":null}],"time":1}""";
        var headers = new Dictionary<string, string>
        {
            ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ["tracestate"] = "congo=t61rcWkgMzE",
            ["x-custom"] = "kept",
        };
        var producer = _app.Services.GetRequiredService<ILogProducer>();

        await producer.AppendAsync(LogTopics.Sequenced, new LogRecord("news:1", Encoding.UTF8.GetBytes(payload), headers), default);
        var published = await _sidecar.Api.NextPublishAsync(Timeout);
        var route = await DaprdCalls.RouteAsync(_app.Client, published.Request.Topic);
        var status = await DaprdCalls.DeliverAsync(_app.Client, route, DaprdCalls.EventFor(published.Request));

        Assert.Equal("SUCCESS", status);
        var record = await _sequenced.FirstHandled.WaitAsync(Timeout);
        Assert.Equal(payload, Encoding.UTF8.GetString(record.Payload.Span));
        Assert.Equal("news:1", record.Key);
        Assert.Equal(headers, record.Headers);
        Assert.Empty(_publications.Handled);
    }
}
