namespace Realtime.Messaging.Dapr;

/// <summary>
/// A publish failed because the Dapr sidecar or the broker behind it could not take the record
/// right now (gRPC Unavailable, DeadlineExceeded, ResourceExhausted, Aborted, Internal, Unknown).
/// </summary>
/// <remarks>
/// An <see cref="IOException"/> on purpose: <see cref="Log.TransientFailures"/> counts I/O
/// failures as outages, so consumers wait such a failure out (a dead-letter append included)
/// exactly as they do a Redis or Kafka outage. The <see cref="global::Dapr.DaprException"/>
/// from the SDK is the inner exception. Configuration errors (unknown pub/sub component, topic
/// not allowed) are not outages and surface as the SDK's <c>DaprException</c>.
/// </remarks>
public sealed class DaprSidecarUnavailableException(string message, Exception innerException)
    : IOException(message, innerException);
