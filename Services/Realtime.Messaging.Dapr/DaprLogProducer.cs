using System.Diagnostics;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using Realtime.Messaging.Log;
using Realtime.Messaging.Telemetry;

namespace Realtime.Messaging.Dapr;

/// <summary>
/// Appends records through the Dapr sidecar to the pub/sub component
/// <see cref="LogTopics.DaprPubSubName"/>, one Dapr topic per log topic. The call returns once
/// daprd answered the publish, which it does after the pub/sub component's publish to the
/// broker returned.
/// </summary>
/// <remarks>
/// The record travels as a CloudEvent written here (see <see cref="DaprLogEnvelope"/>). The
/// publish metadata <c>partitionKey</c> is the record key: pubsub.kafka uses it as the Kafka
/// message key, so one channel stays in one partition, in order.
/// </remarks>
public sealed class DaprLogProducer(DaprClient dapr) : ILogProducer
{
    /// <summary>The publish metadata key pubsub.kafka (and pubsub.pulsar) partition by.</summary>
    public const string PartitionKeyMetadata = "partitionKey";

    public async Task AppendAsync(string topic, LogRecord record, CancellationToken cancellationToken)
    {
        using var activity = MessagingTelemetry.StartAppend(topic, "dapr");
        var started = Stopwatch.GetTimestamp();
        var envelope = DaprLogEnvelope.Write(record, HeadersFor(record, activity));
        var metadata = new Dictionary<string, string>(1, StringComparer.Ordinal) { [PartitionKeyMetadata] = record.Key };
        try
        {
            await dapr.PublishByteEventAsync(LogTopics.DaprPubSubName, topic, envelope, DaprLogEnvelope.ContentType, metadata, cancellationToken);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // DaprClientBuilder sets ThrowOperationCanceledOnCancellation, so daprd answering
            // DeadlineExceeded surfaces as a cancellation nobody asked for: it is an outage.
            activity?.SetStatus(ActivityStatusCode.Error, "deadline exceeded");
            throw new DaprSidecarUnavailableException(
                $"Dapr did not publish to '{topic}' on '{LogTopics.DaprPubSubName}' in time (DeadlineExceeded)", e);
        }
        catch (DaprException e) when (e.InnerException is RpcException rpc)
        {
            // A DaprClient built without ThrowOperationCanceledOnCancellation reports our own cancellation this way.
            cancellationToken.ThrowIfCancellationRequested();
            activity?.SetStatus(ActivityStatusCode.Error, rpc.Status.Detail);
            if (IsOutage(rpc.StatusCode))
            {
                throw new DaprSidecarUnavailableException(
                    $"Dapr could not publish to '{topic}' on '{LogTopics.DaprPubSubName}' ({rpc.StatusCode}): {rpc.Status.Detail}", e);
            }

            throw new LogRejectedException($"Dapr refused to publish to '{topic}' on '{LogTopics.DaprPubSubName}' ({rpc.StatusCode}): {rpc.Status.Detail}", e);
        }
        catch (DaprException e)
        {
            throw new LogRejectedException($"Dapr refused to publish to '{topic}' on '{LogTopics.DaprPubSubName}': {e.Message}", e);
        }

        var topicTag = new KeyValuePair<string, object?>("messaging.destination.name", topic);
        MessagingTelemetry.Appended.Add(1, topicTag);
        MessagingTelemetry.AppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, topicTag);
    }

    /// <summary>
    /// The record's headers, with the append span's trace context (when one is recorded) in
    /// place of the caller's. Unlike a plain copy of the span's context, this keeps the other
    /// headers, such as the reason a record was dead-lettered.
    /// </summary>
    private static IReadOnlyDictionary<string, string> HeadersFor(LogRecord record, Activity? appendSpan)
    {
        if (appendSpan is null)
        {
            return record.Headers;
        }

        var headers = new Dictionary<string, string>(record.Headers, StringComparer.Ordinal);
        headers.Remove(DaprLogEnvelope.TraceStateHeader);
        foreach (var (name, value) in TraceContext.Capture(appendSpan))
        {
            headers[name] = value;
        }

        return headers;
    }

    /// <summary>
    /// daprd answers Unavailable/DeadlineExceeded when it cannot be reached or is slow, and
    /// Internal when the broker refused the message (ERR_PUBSUB_PUBLISH_MESSAGE): all worth
    /// waiting out. InvalidArgument, NotFound and PermissionDenied mean the deployment is wrong.
    /// </summary>
    private static bool IsOutage(StatusCode code) => code is StatusCode.Unavailable or StatusCode.DeadlineExceeded
        or StatusCode.ResourceExhausted or StatusCode.Aborted or StatusCode.Internal or StatusCode.Unknown;
}
