using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Realtime.Messaging.Log;

namespace Realtime.Messaging.Dapr.Tests;

/// <summary>The subscription endpoints, called exactly as daprd calls them, on a real Kestrel port.</summary>
public sealed class DaprSubscriptionTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private const string Payload = """{"id":"p1","channel":"chat:room","data":{"text":"hello","n":12345678901234567890},"time":1700000000000}""";

    private readonly PublicationsHandler _publications = new();
    private readonly SequencedHandler _sequenced = new();
    private FakeDaprSidecar _sidecar = null!;

    public async Task InitializeAsync() => _sidecar = await FakeDaprSidecar.StartAsync();

    public async Task DisposeAsync() => await _sidecar.DisposeAsync();

    [Fact]
    public async Task Dapr_subscribe_lists_each_topic_with_its_route_and_dead_letter_topic()
    {
        await using var app = await SubscriberApp.StartAsync(_sidecar, _publications, _sequenced);

        var subscriptions = await DaprdCalls.SubscriptionsAsync(app.Client);

        Assert.Equal(JsonValueKind.Array, subscriptions.ValueKind);
        var byTopic = subscriptions.EnumerateArray().ToDictionary(s => s.GetProperty("topic").GetString()!);
        Assert.Equal([LogTopics.Publications, LogTopics.Sequenced], byTopic.Keys.Order());
        foreach (var (topic, group) in new[] { (LogTopics.Publications, LogTopics.FanoutGroup), (LogTopics.Sequenced, LogTopics.HistoryGroup) })
        {
            var subscription = byTopic[topic];
            // Field names are case-sensitive for daprd: exactly these, nothing else.
            Assert.Equal(["deadLetterTopic", "pubsubname", "route", "topic"], subscription.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal("realtime-pubsub", subscription.GetProperty("pubsubname").GetString());
            Assert.Equal(topic + ".deadletter", subscription.GetProperty("deadLetterTopic").GetString());
            Assert.Equal($"/realtime/log/{group}/{topic}", subscription.GetProperty("route").GetString());
        }
    }

    [Fact]
    public async Task With_an_app_api_token_only_calls_carrying_it_reach_the_routes()
    {
        await using var app = await SubscriberApp.StartAsync(_sidecar, _publications, _sequenced,
            configure: services => services.Configure<DaprLogSubscriptionOptions>(o => o.AppApiToken = "token-shared-with-daprd"));

        // Without the token (or with another): refused, nothing handled.
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await app.Client.GetAsync("/dapr/subscribe")).StatusCode);
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/dapr/subscribe");
        forged.Headers.Add("dapr-api-token", "guess");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await app.Client.SendAsync(forged)).StatusCode);

        app.Client.DefaultRequestHeaders.Add("dapr-api-token", "token-shared-with-daprd");
        var route = await DaprdCalls.RouteAsync(app.Client, LogTopics.Publications);
        using var injected = new HttpClient { BaseAddress = app.Client.BaseAddress };
        var refused = await injected.PostAsync(route, new StringContent(DaprdCalls.Event(LogTopics.Publications, "chat:room", Payload), Encoding.UTF8, "application/cloudevents+json"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);

        Assert.Equal("SUCCESS", await DaprdCalls.DeliverAsync(app.Client, route, DaprdCalls.Event(LogTopics.Publications, "chat:room", Payload)));
        var record = await _publications.FirstHandled.WaitAsync(Timeout);
        Assert.Equal(Payload, Encoding.UTF8.GetString(record.Payload.Span));
    }

    [Fact]
    public async Task A_delivered_event_reaches_its_handler_with_the_payload_key_and_trace_context()
    {
        await using var app = await SubscriberApp.StartAsync(_sidecar, _publications, _sequenced);
        var route = await DaprdCalls.RouteAsync(app.Client, LogTopics.Publications);

        var status = await DaprdCalls.DeliverAsync(app.Client, route, DaprdCalls.Event(LogTopics.Publications, "chat:room", Payload));

        Assert.Equal("SUCCESS", status);
        var record = await _publications.FirstHandled.WaitAsync(Timeout);
        Assert.Equal(Payload, Encoding.UTF8.GetString(record.Payload.Span));
        Assert.Equal("chat:room", record.Key);
        Assert.Equal(DaprdCalls.TraceParent, record.Headers["traceparent"]);
        Assert.Equal(DaprdCalls.TraceState, record.Headers["tracestate"]);
        Assert.Empty(_sequenced.Handled);
    }

    [Fact]
    public async Task A_record_that_keeps_failing_is_dead_lettered_through_dapr_and_acknowledged()
    {
        _publications.Failure = static _ => new InvalidDataException("not a publication");
        await using var app = await SubscriberApp.StartAsync(_sidecar, _publications, _sequenced);
        var route = await DaprdCalls.RouteAsync(app.Client, LogTopics.Publications);

        var status = await DaprdCalls.DeliverAsync(app.Client, route, DaprdCalls.Event(LogTopics.Publications, "chat:room", Payload));

        Assert.Equal("SUCCESS", status);
        var deadLetter = await _sidecar.Api.NextPublishAsync(Timeout);
        Assert.Equal("realtime-pubsub", deadLetter.Request.PubsubName);
        Assert.Equal(LogTopics.Publications + ".deadletter", deadLetter.Request.Topic);
        Assert.Equal("chat:room", deadLetter.Request.Metadata["partitionKey"]);
        var cloudEvent = DaprdCalls.PublishedEvent(deadLetter);
        Assert.Equal(Payload, cloudEvent.GetProperty("data").GetRawText());
        Assert.Equal("chat:room", cloudEvent.GetProperty("partitionkey").GetString());
        var headers = DaprdCalls.LogHeaders(cloudEvent);
        Assert.Equal("InvalidDataException: not a publication", headers["x-dead-letter-reason"]);
        Assert.Equal(LogTopics.FanoutGroup, headers["x-dead-letter-group"]);
        // One try of the batch, then MaxDeliveryAttempts (3) of the record alone.
        Assert.Equal(4, _publications.Attempts);
        Assert.Empty(_publications.Handled);
    }

    [Fact]
    public async Task An_outage_is_waited_out_within_the_delivery()
    {
        _publications.Failure = static attempt => attempt <= 3 ? new TimeoutException("redis is away") : null;
        await using var app = await SubscriberApp.StartAsync(_sidecar, _publications, _sequenced);
        var route = await DaprdCalls.RouteAsync(app.Client, LogTopics.Publications);

        var status = await DaprdCalls.DeliverAsync(app.Client, route, DaprdCalls.Event(LogTopics.Publications, "chat:room", Payload));

        Assert.Equal("SUCCESS", status);
        Assert.Equal(4, _publications.Attempts);
        Assert.Equal(Payload, Encoding.UTF8.GetString(Assert.Single(_publications.Handled).Payload.Span));
        Assert.Equal(0, _sidecar.Api.Pending);
    }

    [Fact]
    public async Task An_outage_that_outlasts_the_delivery_is_answered_with_retry_and_not_dead_lettered()
    {
        _publications.Failure = static _ => new TimeoutException("redis is away");
        await using var app = await SubscriberApp.StartAsync(_sidecar, _publications, _sequenced, maxHandlingTime: TimeSpan.FromMilliseconds(300));
        var route = await DaprdCalls.RouteAsync(app.Client, LogTopics.Publications);

        var status = await DaprdCalls.DeliverAsync(app.Client, route, DaprdCalls.Event(LogTopics.Publications, "chat:room", Payload));

        Assert.Equal("RETRY", status);
        Assert.True(_publications.Attempts >= 2, $"only {_publications.Attempts} attempt(s)");
        Assert.Equal(0, _sidecar.Api.Pending);
    }

    [Fact]
    public async Task A_delivery_still_waiting_out_an_outage_when_the_app_stops_is_answered_with_retry()
    {
        _publications.Failure = static _ => new TimeoutException("redis is away");
        await using var app = await SubscriberApp.StartAsync(_sidecar, _publications, _sequenced, maxHandlingTime: TimeSpan.FromMinutes(1));
        var route = await DaprdCalls.RouteAsync(app.Client, LogTopics.Publications);

        var delivery = DaprdCalls.DeliverAsync(app.Client, route, DaprdCalls.Event(LogTopics.Publications, "chat:room", Payload));
        await _publications.Retried.WaitAsync(Timeout);
        app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        Assert.Equal("RETRY", await delivery.WaitAsync(Timeout));
        Assert.Equal(0, _sidecar.Api.Pending);
    }

    [Fact]
    public async Task A_json_event_that_is_not_a_record_is_dead_lettered_with_the_reason()
    {
        await using var app = await SubscriberApp.StartAsync(_sidecar, _publications, _sequenced);
        var route = await DaprdCalls.RouteAsync(app.Client, LogTopics.Sequenced);
        const string foreign = """{"specversion":"1.0","id":"x","source":"elsewhere","type":"com.dapr.event.sent","data":{"orderId":1}}""";

        var status = await DaprdCalls.DeliverAsync(app.Client, route, foreign);

        Assert.Equal("SUCCESS", status);
        var deadLetter = await _sidecar.Api.NextPublishAsync(Timeout);
        Assert.Equal(LogTopics.Sequenced + ".deadletter", deadLetter.Request.Topic);
        var cloudEvent = DaprdCalls.PublishedEvent(deadLetter);
        Assert.Equal(foreign, cloudEvent.GetProperty("data").GetRawText());
        Assert.StartsWith("malformed envelope: no 'partitionkey'", DaprdCalls.LogHeaders(cloudEvent)["x-dead-letter-reason"], StringComparison.Ordinal);
        Assert.Equal(0, _sequenced.Attempts);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_dropped()
    {
        await using var app = await SubscriberApp.StartAsync(_sidecar, _publications, _sequenced);
        var route = await DaprdCalls.RouteAsync(app.Client, LogTopics.Publications);

        var status = await DaprdCalls.DeliverAsync(app.Client, route, "this is not JSON");

        Assert.Equal("DROP", status);
        Assert.Equal(0, _publications.Attempts);
        Assert.Equal(0, _sidecar.Api.Pending);
    }

    [Fact]
    public async Task A_dead_letter_append_that_fails_leaves_the_event_with_daprd()
    {
        _publications.Failure = static _ => new InvalidDataException("not a publication");
        _sidecar.Api.Fail(Grpc.Core.StatusCode.PermissionDenied);
        await using var app = await SubscriberApp.StartAsync(_sidecar, _publications, _sequenced);
        var route = await DaprdCalls.RouteAsync(app.Client, LogTopics.Publications);

        var status = await DaprdCalls.DeliverAsync(app.Client, route, DaprdCalls.Event(LogTopics.Publications, "chat:room", Payload));

        Assert.Equal("RETRY", status);
    }

    [Fact]
    public async Task Two_handlers_of_one_topic_cannot_share_a_dapr_app()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton(new PublicationsHandler()).AddSingleton(new OtherPublicationsHandler());
        builder.Services.AddDaprLogConsumer<PublicationsHandler>();
        builder.Services.AddDaprLogConsumer<OtherPublicationsHandler>();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapDaprLogSubscriptions());

        Assert.Contains(LogTopics.Publications, error.Message, StringComparison.Ordinal);
    }
}
