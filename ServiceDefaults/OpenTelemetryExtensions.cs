using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Traces, metrics and logs through OpenTelemetry: exported over OTLP when an endpoint is
/// configured (the Aspire dashboard, a collector) and metrics always scrapeable at <c>/metrics</c>.
/// Spans are recorded only where someone receives them: without an OTLP endpoint no tracer is
/// registered, so the message path creates no spans at all; with one, root traces are sampled
/// at <c>Telemetry:TraceSampleRatio</c> when they are entry points (<see cref="EntryPointSampler"/>:
/// background loops start no traces) and a sampled parent (an application backend's request) is
/// always followed (unless <c>OTEL_TRACES_SAMPLER</c> chooses otherwise).
/// </summary>
public static class OpenTelemetryExtensions
{
    /// <summary>Every activity source and meter of the project is named <c>Realtime.*</c>.</summary>
    public const string ProjectTelemetryPrefix = "Realtime.*";

    public const string TraceSampleRatioKey = "Telemetry:TraceSampleRatio";

    /// <summary>
    /// One publication in a hundred is traced end to end by default: tracing every message of a
    /// real-time system costs more than the message itself. Development (the AppHost's run mode) uses 1.
    /// </summary>
    public const double DefaultTraceSampleRatio = 0.01;

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var openTelemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(ProjectTelemetryPrefix)
                .AddPrometheusExporter());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            var ratio = TraceSampleRatio(builder.Configuration);
            var samplerFromEnvironment = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_TRACES_SAMPLER"]);
            openTelemetry
                .WithTracing(tracing =>
                {
                    if (!samplerFromEnvironment)
                    {
                        tracing.SetSampler(new ParentBasedSampler(new EntryPointSampler(new TraceIdRatioBasedSampler(ratio))));
                    }

                    tracing
                        .AddSource(builder.Environment.ApplicationName)
                        .AddSource(ProjectTelemetryPrefix)
                        .AddAspNetCoreInstrumentation(aspnet =>
                            // Probes and scrapes would drown the traces that matter.
                            aspnet.Filter = context => !IsInfrastructurePath(context.Request.Path))
                        .AddHttpClientInstrumentation();
                })
                .UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>The configured root sampling ratio; a value outside [0, 1] stops the service at start.</summary>
    public static double TraceSampleRatio(IConfiguration configuration)
    {
        var ratio = configuration.GetValue(TraceSampleRatioKey, DefaultTraceSampleRatio);
        return ratio is >= 0 and <= 1
            ? ratio
            : throw new InvalidOperationException($"{TraceSampleRatioKey} must be between 0 and 1 (got {ratio}).");
    }

    internal static bool IsInfrastructurePath(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments(HealthCheckExtensions.HealthPath)
        || path.StartsWithSegments(HealthCheckExtensions.AlivePath)
        || path.StartsWithSegments(HealthCheckExtensions.MetricsPath);
}
