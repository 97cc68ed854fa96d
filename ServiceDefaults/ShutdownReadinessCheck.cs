using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Readiness turns unhealthy the moment the service starts shutting down, so load balancers
/// stop sending new work before it drains what it holds.
/// </summary>
public sealed class ShutdownReadinessCheck(ShutdownSignal signal, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(signal.IsShuttingDown || lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("shutting down")
            : HealthCheckResult.Healthy());
}

/// <summary>
/// Set as the first thing of a shutdown — in the host's "stopping" phase, before any service
/// stops and before <see cref="IHostApplicationLifetime.ApplicationStopping"/> fires — and by
/// services that start draining on their own.
/// </summary>
public sealed class ShutdownSignal
{
    private volatile bool _shuttingDown;

    public bool IsShuttingDown => _shuttingDown;

    public void MarkShuttingDown() => _shuttingDown = true;
}

/// <summary>Marks the service as shutting down at the very start of the host's stopping phase.</summary>
internal sealed class ShutdownSignalService(ShutdownSignal signal) : IHostedLifecycleService
{
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        signal.MarkShuttingDown();
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
