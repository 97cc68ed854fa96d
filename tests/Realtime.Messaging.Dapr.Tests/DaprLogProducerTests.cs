using System.Diagnostics;
using System.Text;
using Dapr;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Messaging.Log;
using Realtime.Messaging.Telemetry;

namespace Realtime.Messaging.Dapr.Tests;

/// <summary>What DaprLogProducer sends to daprd's gRPC API, received by an in-process daprd.</summary>
public sealed class DaprLogProducerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private const string Payload = """{"id":"p1","channel":"chat:room","data":{"text":"h\u00e9llo <b>","big":12345678901234567890},"time":1700000000000}""";

    private FakeDaprSidecar _sidecar = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await FakeDaprSidecar.StartAsync();
        _services = Services(_sidecar.GrpcEndpoint, _sidecar.HttpEndpoint);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _sidecar.DisposeAsync();
    }

    private static ServiceProvider Services(string grpcEndpoint, string httpEndpoint)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDaprClient(dapr => dapr.UseGrpcEndpoint(grpcEndpoint).UseHttpEndpoint(httpEndpoint));
        services.AddDaprLogProducer();
        return services.BuildServiceProvider();
    }

    private ILogProducer Producer => _services.GetRequiredService<ILogProducer>();

    [Fact]
    public void The_log_producer_is_the_dapr_one()
    {
        Assert.IsType<DaprLogProducer>(Producer);
    }

    [Fact]
    public async Task A_record_is_published_as_a_cloud_event_with_its_payload_as_json_data_and_its_key_as_partition_key()
    {
        var headers = new Dictionary<string, string> { ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", ["tracestate"] = "rojo=1" };

        await Producer.AppendAsync(LogTopics.Publications, new LogRecord("chat:room", Encoding.UTF8.GetBytes(Payload), headers), default);

        var publish = await _sidecar.Api.NextPublishAsync(Timeout);
        Assert.Equal("realtime-pubsub", publish.Request.PubsubName);
        Assert.Equal(LogTopics.Publications, publish.Request.Topic);
        // The app writes the whole CloudEvent: daprd passes its extension attributes through.
        Assert.Equal("application/cloudevents+json", publish.Request.DataContentType);
        Assert.Equal("chat:room", publish.Request.Metadata["partitionKey"]);
        var cloudEvent = DaprdCalls.PublishedEvent(publish);
        Assert.Equal("1.0", cloudEvent.GetProperty("specversion").GetString());
        Assert.False(string.IsNullOrEmpty(cloudEvent.GetProperty("id").GetString()));
        Assert.Equal("realtime", cloudEvent.GetProperty("source").GetString());
        Assert.Equal("realtime.log.record", cloudEvent.GetProperty("type").GetString());
        Assert.Equal("application/json", cloudEvent.GetProperty("datacontenttype").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Object, cloudEvent.GetProperty("data").ValueKind);
        Assert.Equal(Payload, cloudEvent.GetProperty("data").GetRawText());
        Assert.Equal("chat:room", cloudEvent.GetProperty("partitionkey").GetString());
        Assert.Equal(headers["traceparent"], cloudEvent.GetProperty("traceparent").GetString());
        Assert.Equal("rojo=1", cloudEvent.GetProperty("tracestate").GetString());
        Assert.False(cloudEvent.TryGetProperty("logheaders", out _));
    }

    [Fact]
    public async Task With_tracing_on_the_event_and_the_grpc_call_carry_the_send_span_in_the_callers_trace()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is MessagingTelemetry.Name or "test",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var testSource = new ActivitySource("test");
        using var caller = testSource.StartActivity("publish")!;

        await Producer.AppendAsync(LogTopics.Publications, new LogRecord("chat:room", Encoding.UTF8.GetBytes(Payload), TraceContext.Capture(caller)), default);

        var publish = await _sidecar.Api.NextPublishAsync(Timeout);
        var traceParent = DaprdCalls.PublishedEvent(publish).GetProperty("traceparent").GetString()!;
        var context = ActivityContext.Parse(traceParent, null);
        Assert.Equal(caller.TraceId, context.TraceId);
        Assert.NotEqual(caller.SpanId, context.SpanId);
        // daprd learns the same context from the call itself, so its own spans join the trace.
        Assert.Equal(traceParent, publish.Headers["traceparent"]);
    }

    [Fact]
    public async Task Other_headers_travel_as_one_extension_attribute()
    {
        var headers = new Dictionary<string, string> { ["x-dead-letter-reason"] = "InvalidDataException: bad \"quote\"", ["x-dead-letter-attempts"] = "5" };

        await Producer.AppendAsync("realtime.publications.deadletter", new LogRecord("k", "[1,2]"u8.ToArray(), headers), default);

        var cloudEvent = DaprdCalls.PublishedEvent(await _sidecar.Api.NextPublishAsync(Timeout));
        Assert.Equal(headers, DaprdCalls.LogHeaders(cloudEvent));
        Assert.False(cloudEvent.TryGetProperty("traceparent", out _));
    }

    [Fact]
    public async Task A_payload_that_is_not_json_is_refused_before_anything_is_published()
    {
        await Assert.ThrowsAnyAsync<System.Text.Json.JsonException>(() =>
            Producer.AppendAsync(LogTopics.Publications, new LogRecord("k", "not json"u8.ToArray(), LogRecord.NoHeaders), default));

        Assert.Equal(0, _sidecar.Api.Pending);
    }

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.Internal)]
    [InlineData(StatusCode.DeadlineExceeded)]
    public async Task A_sidecar_or_broker_outage_is_an_outage_the_consumers_wait_out(StatusCode code)
    {
        _sidecar.Api.Fail(code, times: 1);

        var error = await Assert.ThrowsAsync<DaprSidecarUnavailableException>(() =>
            Producer.AppendAsync(LogTopics.Publications, new LogRecord("k", "{}"u8.ToArray(), LogRecord.NoHeaders), default));

        Assert.True(TransientFailures.IsTransient(error));
        // daprd's DeadlineExceeded reaches the SDK's caller as a cancellation; the others as DaprException.
        Assert.True(error.InnerException is DaprException or OperationCanceledException, error.InnerException?.GetType().Name);
        // The next append goes through.
        await Producer.AppendAsync(LogTopics.Publications, new LogRecord("k", "{}"u8.ToArray(), LogRecord.NoHeaders), default);
        Assert.Equal(LogTopics.Publications, (await _sidecar.Api.NextPublishAsync(Timeout)).Request.Topic);
    }

    [Fact]
    public async Task A_refusal_by_configuration_is_not_an_outage()
    {
        _sidecar.Api.Fail(StatusCode.InvalidArgument);

        var error = await Assert.ThrowsAsync<LogRejectedException>(() =>
            Producer.AppendAsync(LogTopics.Publications, new LogRecord("k", "{}"u8.ToArray(), LogRecord.NoHeaders), default));

        Assert.IsType<DaprException>(error.InnerException);
        Assert.False(TransientFailures.IsTransient(error));
    }

    [Fact]
    public async Task A_sidecar_that_is_not_running_is_an_outage()
    {
        await using var nowhere = Services($"http://127.0.0.1:{UnusedPort()}", $"http://127.0.0.1:{UnusedPort()}");

        var error = await Assert.ThrowsAsync<DaprSidecarUnavailableException>(() =>
            nowhere.GetRequiredService<ILogProducer>().AppendAsync(LogTopics.Publications, new LogRecord("k", "{}"u8.ToArray(), LogRecord.NoHeaders), default));

        Assert.True(TransientFailures.IsTransient(error));
    }

    [Fact]
    public async Task A_cancelled_append_throws_operation_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Producer.AppendAsync(LogTopics.Publications, new LogRecord("k", "{}"u8.ToArray(), LogRecord.NoHeaders), cancelled.Token));
    }

    internal static int UnusedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
