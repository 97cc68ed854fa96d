namespace Realtime.AppHost.Infrastructure;

internal static class ServiceResourceExtensions
{
    /// <summary>
    /// What every service gets: Redis, the log (Kafka when present), the shared <c>Services</c>
    /// configuration (channel namespaces and the rest) as environment variables — plus, when the
    /// AppHost runs locally rather than publishes a deployment, the <c>RunModeServices</c>
    /// conveniences (anonymous access, localhost origins, a development token key) — and a start
    /// only once its backing services are healthy.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRealtimeDefaults(
        this IResourceBuilder<ProjectResource> service, IDistributedApplicationBuilder builder, BackingServices backing)
    {
        service.WithReference(backing.Redis, connectionName: Realtime.Contracts.ServiceNames.Redis)
            .WithEnvironment("Messaging__Transport", backing.LogTransport);
        if (backing.Kafka is not null)
        {
            service.WithReference(backing.Kafka, connectionName: Realtime.Contracts.ServiceNames.Kafka);
        }

        ForwardSection(service, builder.Configuration.GetSection("Services"));
        if (builder.ExecutionContext.IsRunMode)
        {
            ForwardSection(service, builder.Configuration.GetSection("RunModeServices"));
        }

        foreach (var dependency in backing.WaitFor)
        {
            service.WaitFor(dependency);
        }

        return service;
    }

    /// <summary>
    /// A fixed local port for the service's http endpoint when the AppHost runs it; a published
    /// deployment gets none, because its ingress decides (Container Apps accepts only port 80 for
    /// an http ingress, and a fixed port in the manifest makes azd refuse the app).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRunModePort(
        this IResourceBuilder<ProjectResource> service, IDistributedApplicationBuilder builder, int port) =>
        builder.ExecutionContext.IsRunMode ? service.WithEndpoint("http", endpoint => endpoint.Port = port) : service;

    private static void ForwardSection(IResourceBuilder<ProjectResource> service, IConfigurationSection section)
    {
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is not null)
            {
                service.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }
    }
}
