using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Realtime.History.Storage;

/// <summary>Not ready until the schema is migrated; not a liveness check, so waiting for PostgreSQL never restarts the process.</summary>
internal sealed class SchemaHealthCheck(SchemaReadiness schema) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(schema.IsMigrated
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("the schema is not migrated yet (PostgreSQL unreachable, or migrating)"));
}
