using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Realtime.Connection.Extensions;
using Realtime.Contracts;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>
/// The gateway calls other services through named HTTP clients with base addresses like
/// http://presence. Built from the gateway's own registrations, each must land on a Kubernetes
/// Service of that name and port, and the network policies must let the gateway through.
/// </summary>
public sealed class HttpClientTargetTests
{
    [Theory]
    [InlineData("infra/k8s/overlays/dev")]
    [InlineData("infra/k8s/overlays/prod")]
    public async Task Every_service_the_gateway_calls_is_a_reachable_kubernetes_service(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var targets = GatewayHttpTargets();

        Assert.NotEmpty(targets);
        foreach (var target in targets)
        {
            var service = manifests.Named<V1Service>(target.Host);
            Assert.Contains(service.Spec.Ports, p => p.Port == target.Port);
            var pods = manifests.Deployment(target.Host).Spec.Template.Metadata.Labels;
            var gateway = manifests.Deployment(ServiceNames.Connection).Spec.Template.Metadata.Labels;
            Assert.True(NetworkPolicyTests.AllowsFromPods(manifests, pods, gateway), $"no policy lets the gateway reach {target.Host}");
        }
    }

    /// <summary>The base addresses of the gateway's named HTTP clients, from its real service registrations.</summary>
    internal static IReadOnlyList<Uri> GatewayHttpTargets()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create<string, string?>($"ConnectionStrings:{ServiceNames.Redis}", "localhost:6379")]);
        builder.AddServiceDefaults();
        builder.AddGatewayServices();
        using var host = builder.Build();
        var factory = host.Services.GetRequiredService<IHttpClientFactory>();
        return host.Services.GetServices<IConfigureOptions<HttpClientFactoryOptions>>()
            .OfType<ConfigureNamedOptions<HttpClientFactoryOptions>>()
            .Select(configure => configure.Name)
            .OfType<string>()
            .Distinct()
            .Select(name => factory.CreateClient(name).BaseAddress)
            .OfType<Uri>()
            .Where(uri => CodeNames.Services.Contains(uri.Host))
            .ToList();
    }
}
