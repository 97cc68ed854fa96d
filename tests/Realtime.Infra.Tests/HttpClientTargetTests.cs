using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Realtime.Gateway.Extensions;
using Realtime.Contracts;
using Realtime.Fanout.Extensions;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>
/// Services call each other through named HTTP clients with base addresses like http://presence:
/// the gateway (presence, history queries, durable tops) and fanout (durable tops, the server
/// API's presence and history methods). Built from each service's own registrations, every target
/// must be a Kubernetes Service of that name and port, and the network policies must let the
/// caller through.
/// </summary>
public sealed class HttpClientTargetTests
{
    public static TheoryData<string, string> CallersByVariant()
    {
        var data = new TheoryData<string, string>();
        foreach (var variant in Manifests.Variants)
        {
            foreach (var caller in Callers.Keys)
            {
                data.Add(variant, caller);
            }
        }

        return data;
    }

    /// <summary>The services that call others, with the registration each one's Program runs.</summary>
    private static readonly IReadOnlyDictionary<string, Action<IHostApplicationBuilder>> Callers = new Dictionary<string, Action<IHostApplicationBuilder>>
    {
        [ServiceNames.Connection] = builder => builder.AddGatewayServices(),
        [ServiceNames.Fanout] = builder => builder.AddFanoutServices(),
    };

    [Theory]
    [MemberData(nameof(CallersByVariant))]
    public async Task Every_service_a_caller_calls_is_a_reachable_kubernetes_service(string variant, string caller)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var targets = HttpTargets(caller);

        Assert.NotEmpty(targets);
        foreach (var target in targets)
        {
            var service = manifests.Named<V1Service>(target.Host);
            Assert.Contains(service.Spec.Ports, p => p.Port == target.Port);
            var pods = manifests.Deployment(target.Host).Spec.Template.Metadata.Labels;
            var from = manifests.Deployment(caller).Spec.Template.Metadata.Labels;
            Assert.True(NetworkPolicyTests.AllowsFromPods(manifests, pods, from), $"no policy lets {caller} reach {target.Host}");
        }
    }

    /// <summary>The base addresses of a service's named HTTP clients that point at another service, from its real registrations.</summary>
    internal static IReadOnlyList<Uri> HttpTargets(string caller)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create<string, string?>($"ConnectionStrings:{ServiceNames.Redis}", "localhost:6379")]);
        builder.AddServiceDefaults();
        Callers[caller](builder);
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
            .Distinct()
            .ToList();
    }
}
