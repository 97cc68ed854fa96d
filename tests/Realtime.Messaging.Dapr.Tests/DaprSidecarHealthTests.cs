using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Realtime.Messaging.Dapr.Tests;

/// <summary>The "publication-log" readiness check asks daprd's outbound health endpoint.</summary>
public sealed class DaprSidecarHealthTests : IAsyncLifetime
{
    private FakeDaprSidecar _sidecar = null!;

    public async Task InitializeAsync() => _sidecar = await FakeDaprSidecar.StartAsync();

    public async Task DisposeAsync() => await _sidecar.DisposeAsync();

    private static async Task<HealthStatus> CheckAsync(string grpcEndpoint, string httpEndpoint)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDaprClient(dapr => dapr.UseGrpcEndpoint(grpcEndpoint).UseHttpEndpoint(httpEndpoint));
        services.AddDaprLogProducer();
        await using var provider = services.BuildServiceProvider();
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Name == "publication-log");
        return Assert.Single(report.Entries).Value.Status;
    }

    [Fact]
    public async Task Healthy_when_the_sidecar_is_ready_for_outbound_calls()
    {
        Assert.Equal(HealthStatus.Healthy, await CheckAsync(_sidecar.GrpcEndpoint, _sidecar.HttpEndpoint));
    }

    [Fact]
    public async Task Unhealthy_while_the_sidecar_is_not_ready()
    {
        _sidecar.Api.OutboundHealthy = false;

        Assert.Equal(HealthStatus.Unhealthy, await CheckAsync(_sidecar.GrpcEndpoint, _sidecar.HttpEndpoint));
    }

    [Fact]
    public async Task Unhealthy_when_no_sidecar_runs()
    {
        var port = DaprLogProducerTests.UnusedPort();

        Assert.Equal(HealthStatus.Unhealthy, await CheckAsync($"http://127.0.0.1:{port}", $"http://127.0.0.1:{port}"));
    }
}
