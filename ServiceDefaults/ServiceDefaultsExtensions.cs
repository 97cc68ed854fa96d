using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Realtime.Aspire service shares: telemetry, health endpoints, service discovery,
/// resilient HTTP clients and a bounded graceful shutdown. Each service's Program.cs calls
/// <see cref="AddServiceDefaults{TBuilder}"/> first and <see cref="HealthCheckExtensions.MapDefaultEndpoints"/> last.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddGracefulShutdown();
        builder.Services.AddOptions<ManagementOptions>()
            .Bind(builder.Configuration.GetSection(ManagementOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (builder is WebApplicationBuilder web && ManagementPort.Configured(builder.Configuration) is > 0 and var port)
        {
            ManagementPort.Listen(web, port);
        }

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    private static void AddGracefulShutdown(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ShutdownOptions>()
            .Bind(builder.Configuration.GetSection(ShutdownOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IConfigureOptions<HostOptions>, ConfigureHostShutdownTimeout>();
    }

    private sealed class ConfigureHostShutdownTimeout(IOptions<ShutdownOptions> shutdown) : IConfigureOptions<HostOptions>
    {
        public void Configure(HostOptions options) => options.ShutdownTimeout = shutdown.Value.Timeout;
    }
}
