using k8s.Models;
using Realtime.Contracts;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>Only the gateway and the server API are reachable from outside the namespace; the rest is internal.</summary>
public sealed class NetworkPolicyTests
{
    private const string IngressNamespace = "ingress-nginx";
    private const string MonitoringNamespace = "monitoring";

    public static TheoryData<string> Variants() => new(Manifests.Variants);

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Everything_is_denied_unless_allowed(string variant)
    {
        var policies = (await Manifests.RenderAsync(variant)).All<V1NetworkPolicy>();

        Assert.Contains(policies, p => p.Spec.PodSelector.MatchLabels is null or { Count: 0 }
            && p.Spec.PolicyTypes.SequenceEqual(["Ingress"]) && p.Spec.Ingress is null or { Count: 0 });
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Only_the_gateway_and_the_server_api_are_reachable_from_the_ingress_controller(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var reachable = CodeNames.Services
            .Where(s => AllowsFromNamespace(manifests, manifests.Deployment(s).Spec.Template.Metadata.Labels, IngressNamespace, "http"))
            .Order();

        Assert.Equal(new[] { ServiceNames.Connection, ServiceNames.Fanout }.Order(), reachable);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Prometheus_may_scrape_every_service(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);

        Assert.All(CodeNames.Services, s => Assert.True(
            AllowsFromNamespace(manifests, manifests.Deployment(s).Spec.Template.Metadata.Labels, MonitoringNamespace, "http"), s));
    }

    /// <summary>Without this the challenge never completes behind the default deny, and Let's Encrypt issues nothing.</summary>
    [Fact]
    public async Task Cert_managers_http01_solver_is_reachable_from_the_ingress_controller_in_prod()
    {
        var manifests = await Manifests.RenderAsync("infra/k8s/overlays/prod");
        var solver = new Dictionary<string, string> { ["acme.cert-manager.io/http01-solver"] = "true" };

        Assert.True(AllowsFromNamespace(manifests, solver, IngressNamespace, "8089"));
    }

    /// <summary>In-cluster application backends call the server API directly from a namespace they label; nothing else opens to them.</summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Backends_in_a_labelled_namespace_reach_the_server_api_and_nothing_else(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var backends = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "shop", ["realtime.io/server-api-client"] = "true" };
        var unlabelled = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "shop" };

        var reachable = CodeNames.Services
            .Where(s => AllowsFromNamespaceLabelled(manifests, manifests.Deployment(s).Spec.Template.Metadata.Labels, backends, "http"))
            .ToList();
        Assert.Equal([ServiceNames.Fanout], reachable);
        Assert.DoesNotContain(CodeNames.Services, s => AllowsFromNamespaceLabelled(manifests, manifests.Deployment(s).Spec.Template.Metadata.Labels, unlabelled, "http"));
    }

    /// <summary>Whether some policy selecting these pods admits traffic from pods with the given labels (same namespace).</summary>
    internal static bool AllowsFromPods(RenderedManifests manifests, IDictionary<string, string> pods, IDictionary<string, string> from) =>
        Rules(manifests, pods).Any(rule => rule.FromProperty?.Any(peer => peer.NamespaceSelector is null && peer.PodSelector is { } selector
            && WorkloadShapeTests.Selects(selector, from)) == true);

    internal static bool AllowsFromNamespace(RenderedManifests manifests, IDictionary<string, string> pods, string ns, string port) =>
        AllowsFromNamespaceLabelled(manifests, pods, new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns }, port);

    /// <summary>Whether some policy selecting these pods admits traffic on the port from any pod of a namespace with these labels.</summary>
    internal static bool AllowsFromNamespaceLabelled(RenderedManifests manifests, IDictionary<string, string> pods, IDictionary<string, string> namespaceLabels, string port) =>
        Rules(manifests, pods).Any(rule => (rule.Ports is null || rule.Ports.Any(p => p.Port.Value == port))
            && rule.FromProperty?.Any(peer => peer.PodSelector is null && peer.NamespaceSelector is { } selector
                && WorkloadShapeTests.Selects(selector, namespaceLabels)) == true);

    private static IEnumerable<V1NetworkPolicyIngressRule> Rules(RenderedManifests manifests, IDictionary<string, string> pods) =>
        manifests.All<V1NetworkPolicy>()
            .Where(p => p.Spec.PodSelector.MatchLabels is { Count: > 0 } && WorkloadShapeTests.Selects(p.Spec.PodSelector, pods))
            .SelectMany(p => p.Spec.Ingress ?? []);
}
