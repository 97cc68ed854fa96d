using Dapr.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Realtime.Messaging.Dapr;

/// <summary>The log is usable when the Dapr sidecar is ready for outbound calls.</summary>
/// <remarks>
/// <c>/v1.0/healthz/outbound</c> (DaprClient.CheckOutboundHealthAsync) turns healthy once
/// daprd has initialised its components, without waiting for this app. The full
/// <c>/v1.0/healthz</c> also waits for the app channel, i.e. for this app to be up: used as
/// this app's readiness it would wait on itself.
/// </remarks>
internal sealed class DaprSidecarHealthCheck(DaprClient dapr) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            return await dapr.CheckOutboundHealthAsync(deadline.Token)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("the Dapr sidecar is not ready for outbound calls");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the Dapr sidecar did not answer within {Timeout.TotalSeconds} s");
        }
    }
}
