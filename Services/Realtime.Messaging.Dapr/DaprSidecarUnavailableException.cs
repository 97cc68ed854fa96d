using Realtime.Messaging.Log;

namespace Realtime.Messaging.Dapr;

/// <summary>
/// A publish failed because the Dapr sidecar or the broker behind it could not take the record
/// right now (gRPC Unavailable, DeadlineExceeded, ResourceExhausted, Aborted, Internal, Unknown):
/// the port's outage, waited out like a Redis or Kafka one. The SDK's
/// <see cref="global::Dapr.DaprException"/> is the inner exception. Configuration errors (unknown
/// pub/sub component, topic not allowed) are not outages: they surface as
/// <see cref="LogRejectedException"/>.
/// </summary>
public sealed class DaprSidecarUnavailableException(string message, Exception innerException)
    : LogUnavailableException(message, innerException);
