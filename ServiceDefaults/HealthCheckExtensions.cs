using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// <c>/alive</c> answers whether the process should be restarted (only checks tagged
/// <see cref="LiveTag"/>); <c>/health</c> answers whether it should receive traffic (every
/// check: its dependencies and whether it is shutting down). Both are mapped in every
/// environment because Kubernetes probes them in production; with a <see cref="ManagementOptions.Port"/>
/// they and <c>/metrics</c> answer only there.
/// </summary>
public static class HealthCheckExtensions
{
    public const string LiveTag = "live";
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";
    public const string MetricsPath = "/metrics";

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<ShutdownSignal>();
        builder.Services.AddHostedService<ShutdownSignalService>();
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag])
            .AddCheck<ShutdownReadinessCheck>("shutdown");
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        if (ManagementPort.Configured(app.Configuration) is > 0 and var port)
        {
            ManagementPort.Separate(app, port);
        }

        app.MapHealthChecks(HealthPath);
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }
}
