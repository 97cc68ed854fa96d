namespace Realtime.AppHost.Infrastructure;

/// <summary>A locally installed redis-server run by the AppHost; its connection string is host:port.</summary>
internal sealed class LocalRedisResource(string name, string workingDirectory)
    : ExecutableResource(name, "redis-server", workingDirectory), IResourceWithConnectionString
{
    public EndpointReference Endpoint => new(this, "tcp");

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.HostAndPort)}");
}

/// <summary>A locally installed PostgreSQL server run by the AppHost, with one database.</summary>
internal sealed class LocalPostgresResource(string name, string script, string workingDirectory, string database)
    : ExecutableResource(name, script, workingDirectory), IResourceWithConnectionString
{
    public string Database { get; } = database;

    public EndpointReference Endpoint => new(this, "tcp");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Endpoint.Property(EndpointProperty.Host)};Port={Endpoint.Property(EndpointProperty.Port)};Username=postgres;Database={Database}");
}
