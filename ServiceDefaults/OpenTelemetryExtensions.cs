using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Traces, metrics and logs through OpenTelemetry: exported over OTLP when an endpoint is
/// configured (the Aspire dashboard, a collector) and always scrapeable at <c>/metrics</c>.
/// </summary>
public static class OpenTelemetryExtensions
{
    /// <summary>Every activity source and meter of the project is named <c>Realtime.*</c>.</summary>
    public const string ProjectTelemetryPrefix = "Realtime.*";

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(ProjectTelemetryPrefix)
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(ProjectTelemetryPrefix)
                .AddAspNetCoreInstrumentation(aspnet =>
                    // Probes and scrapes would drown the traces that matter.
                    aspnet.Filter = context => !IsInfrastructurePath(context.Request.Path))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    internal static bool IsInfrastructurePath(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments(HealthCheckExtensions.HealthPath)
        || path.StartsWithSegments(HealthCheckExtensions.AlivePath)
        || path.StartsWithSegments(HealthCheckExtensions.MetricsPath);
}
