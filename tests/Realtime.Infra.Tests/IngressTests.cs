using System.Globalization;
using k8s.Models;
using Realtime.Contracts;
using Realtime.Infra.Tests.Models;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>The public entry points: the WebSocket path and the server API, with TLS and WebSocket-safe proxying.</summary>
public sealed class IngressTests
{
    public static TheoryData<string> Variants() => new(Manifests.Variants);

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Only_the_client_transports_and_the_server_api_are_published(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var paths = manifests.All<V1Ingress>()
            .SelectMany(i => i.Spec.Rules.SelectMany(r => r.Http.Paths))
            .Select(p => (p.Path, p.PathType, p.Backend.Service.Name))
            .Order();

        Assert.Equal(CodeNames.ClientPaths.Select(path => (path, "Exact", ServiceNames.Connection))
            .Append((CodeNames.ServerApiPrefix, "Prefix", ServiceNames.Fanout)).Order(), paths);
        foreach (var backend in manifests.All<V1Ingress>().SelectMany(i => i.Spec.Rules.SelectMany(r => r.Http.Paths)).Select(p => p.Backend.Service))
        {
            Assert.Contains(manifests.Named<V1Service>(backend.Name).Spec.Ports, p => p.Name == backend.Port.Name);
        }

        Assert.All(manifests.All<V1Service>(), s => Assert.Equal("ClusterIP", s.Spec.Type));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task The_websocket_proxy_outlasts_the_heartbeat_and_does_not_buffer(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var ingress = manifests.Named<V1Ingress>(ServiceNames.Connection);
        var gateway = CodeNames.GatewayOptionsOf(manifests.Environment(ServiceNames.Connection));
        var silence = CodeNames.LongestHealthySilence(gateway).TotalSeconds;

        foreach (var timeout in new[] { "proxy-read-timeout", "proxy-send-timeout" })
        {
            var seconds = double.Parse(ingress.Metadata.Annotations[$"nginx.ingress.kubernetes.io/{timeout}"], CultureInfo.InvariantCulture);
            // Twice the longest silence: a proxy must never be what closes a healthy connection.
            Assert.True(seconds >= 2 * silence, $"{timeout} {seconds}s vs ping {gateway.PingInterval} + pong {gateway.PongTimeout}");
        }

        Assert.Equal("off", ingress.Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-buffering"]);
        Assert.Equal("off", ingress.Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-request-buffering"]);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Every_public_host_has_tls_from_an_issuer_that_exists(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var issuers = Manifests.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Kubernetes, "cluster", "cluster-issuers.yaml")))
            .OfType<ClusterIssuer>().Select(i => i.Metadata.Name).ToList();

        foreach (var ingress in manifests.All<V1Ingress>())
        {
            var hosts = ingress.Spec.Rules.Select(r => r.Host);
            Assert.All(hosts, host => Assert.Contains(ingress.Spec.Tls, tls => tls.Hosts.Contains(host) && !string.IsNullOrEmpty(tls.SecretName)));
            Assert.Equal("true", ingress.Metadata.Annotations["nginx.ingress.kubernetes.io/ssl-redirect"]);
            if (variant.StartsWith("infra/k8s/overlays/", StringComparison.Ordinal))
            {
                Assert.Contains(ingress.Metadata.Annotations["cert-manager.io/cluster-issuer"], issuers);
            }
        }
    }
}
