using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Realtime.Messaging.Log;

namespace Realtime.Messaging.Dapr;

/// <summary>
/// The route daprd POSTs one subscription's events to. Each event becomes a one-record batch
/// for a <see cref="LogRecordProcessor"/>, so failures mean what they mean on the other
/// transports: outages are waited out, a record that keeps failing goes to
/// <c>{topic}.deadletter</c> (published through Dapr) and is then acknowledged.
/// </summary>
/// <remarks>
/// <para>
/// Statuses: SUCCESS once the record was handled or dead-lettered. RETRY when the app is
/// stopping, when an outage outlasts <see cref="DaprLogSubscriptionOptions.MaxHandlingTime"/>
/// or daprd gave up on the request, or when even the dead-letter append failed: daprd
/// delivers the event again. DROP only for a body that is not JSON, which cannot be a record
/// of ours nor be republished as one; any other malformed envelope is dead-lettered by us with
/// the reason, like a poison record.
/// </para>
/// <para>
/// daprd sends RETRY'd events (and, in recent versions, DROP'd ones) to the subscription's
/// <c>deadLetterTopic</c> once its resiliency policy for the component's inbound calls has no
/// retries left, and with no policy that is at once. For outages to be waited out instead,
/// the deployment gives <c>realtime-pubsub</c> an inbound retry policy without a limit.
/// </para>
/// </remarks>
internal sealed partial class DaprLogDelivery(
    DaprLogSubscription subscription,
    LogRecordProcessor processor,
    ILogProducer deadLetters,
    DaprLogSubscriptionOptions options,
    IHostApplicationLifetime lifetime,
    ILogger logger)
{
    private readonly KeyValuePair<string, object?>[] _tags =
    [
        new("messaging.destination.name", subscription.Topic),
        new("messaging.consumer.group.name", subscription.Handler.ConsumerGroup),
    ];

    public async Task HandleAsync(HttpContext context)
    {
        var status = await DeliverAsync(context.Request, context.RequestAborted);
        await DaprTopicEventResponse.WriteAsync(context.Response, status);
    }

    private async Task<DaprTopicEventStatus> DeliverAsync(HttpRequest request, CancellationToken requestAborted)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return DaprTopicEventStatus.Retry;
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        budget.CancelAfter(options.MaxHandlingTime);
        try
        {
            var body = await ReadBodyAsync(request, budget.Token);
            var read = DaprLogEnvelopeReader.Read(body);
            if (read.Record is null)
            {
                return await RejectAsync(body, read, budget.Token);
            }

            await processor.HandleAsync([read.Record], budget.Token);
            return DaprTopicEventStatus.Success;
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            LogNotDone(subscription.Topic, subscription.Handler.ConsumerGroup, options.MaxHandlingTime);
            return DaprTopicEventStatus.Retry;
        }
        catch (Exception e)
        {
            // Also a dead-letter append that failed for good: nothing was acknowledged, so daprd keeps the event.
            LogFailed(e, subscription.Topic, subscription.Handler.ConsumerGroup);
            return DaprTopicEventStatus.Retry;
        }
    }

    /// <summary>A delivery that is not one of our records: kept in the dead-letter topic when it is JSON.</summary>
    private async Task<DaprTopicEventStatus> RejectAsync(ReadOnlyMemory<byte> body, DaprLogEnvelopeRead read, CancellationToken cancellationToken)
    {
        if (!read.IsJson)
        {
            DaprLogTelemetry.Malformed.Add(1, [.. _tags, new("outcome", "dropped")]);
            LogDropped(subscription.Topic, subscription.Handler.ConsumerGroup, read.Problem);
            return DaprTopicEventStatus.Drop;
        }

        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [LogRecordProcessor.DeadLetterReasonHeader] = "malformed envelope: " + read.Problem,
            [LogRecordProcessor.DeadLetterAttemptsHeader] = 0.ToString(CultureInfo.InvariantCulture),
            [LogRecordProcessor.DeadLetterGroupHeader] = subscription.Handler.ConsumerGroup,
        };
        // The whole event is the payload: whatever it was, it is kept as delivered.
        await deadLetters.AppendAsync(subscription.DeadLetterTopic, new LogRecord(read.Key ?? "", body, headers), cancellationToken);
        DaprLogTelemetry.Malformed.Add(1, [.. _tags, new("outcome", "dead_lettered")]);
        LogMalformed(subscription.Topic, subscription.Handler.ConsumerGroup, read.Problem, subscription.DeadLetterTopic);
        return DaprTopicEventStatus.Success;
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Not disposed: the returned memory is the stream's own array (MemoryStream holds nothing else).
        var buffer = new MemoryStream(request.ContentLength is > 0 and < int.MaxValue ? (int)request.ContentLength.Value : 1024);
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A Dapr delivery of {Topic} to group {Group} was not done within {Budget} or the app is stopping; answered RETRY")]
    private partial void LogNotDone(string topic, string group, TimeSpan budget);

    [LoggerMessage(Level = LogLevel.Error, Message = "A Dapr delivery of {Topic} to group {Group} failed; answered RETRY")]
    private partial void LogFailed(Exception exception, string topic, string group);

    [LoggerMessage(Level = LogLevel.Error, Message = "A Dapr delivery of {Topic} to group {Group} was not a log record ({Problem}); moved to {DeadLetterTopic}")]
    private partial void LogMalformed(string topic, string group, string? problem, string deadLetterTopic);

    [LoggerMessage(Level = LogLevel.Error, Message = "A Dapr delivery of {Topic} to group {Group} was not JSON ({Problem}); answered DROP")]
    private partial void LogDropped(string topic, string group, string? problem);
}
