namespace Realtime.AppHost.Infrastructure;

internal static class ServiceResourceExtensions
{
    /// <summary>
    /// What every service gets: Redis, the log (Kafka when present), the shared <c>Services</c>
    /// configuration (channel namespaces and the rest) as environment variables, and a start
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

        foreach (var (key, value) in builder.Configuration.GetSection("Services").AsEnumerable(makePathsRelative: true))
        {
            if (value is not null)
            {
                service.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        foreach (var dependency in backing.WaitFor)
        {
            service.WaitFor(dependency);
        }

        return service;
    }
}
