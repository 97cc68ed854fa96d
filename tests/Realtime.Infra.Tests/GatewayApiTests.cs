using k8s.Models;
using Realtime.Contracts;
using Realtime.Infra.Tests.Models;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>The Gateway API component: HTTPRoutes in place of the nginx Ingresses, publishing the same paths, with the policies following the proxies.</summary>
public sealed class GatewayApiTests
{
    private const string Variant = Manifests.GatewayApiVariant;
    private const string GatewayNamespace = "gateway-system";

    [Fact]
    public async Task Routes_replace_the_ingresses_and_publish_the_same_paths()
    {
        var manifests = await Manifests.RenderAsync(Variant);
        Assert.Empty(manifests.All<V1Ingress>());

        var routes = manifests.All<HttpRoute>().ToList();
        var published = routes
            .SelectMany(route => route.Spec.Rules.SelectMany(rule => rule.Matches.Select(match => (match.Path.Value, match.Path.Type, Assert.Single(rule.BackendRefs).Name))))
            .Order();
        Assert.Equal(CodeNames.ClientPaths.Select(path => (path, "Exact", ServiceNames.Connection))
            .Append((CodeNames.ServerApiPrefix, "PathPrefix", ServiceNames.Fanout)).Order(), published);

        Assert.All(routes, route =>
        {
            Assert.NotEmpty(route.Spec.ParentRefs);
            Assert.All(route.Spec.Rules.SelectMany(rule => rule.BackendRefs),
                backend => Assert.Contains(manifests.Named<V1Service>(backend.Name).Spec.Ports, port => port.Port == backend.Port));
        });
    }

    /// <summary>WebSockets and streaming responses live for hours: a route timeout would cut every one of them.</summary>
    [Fact]
    public async Task The_client_route_never_times_a_connection_out()
    {
        var manifests = await Manifests.RenderAsync(Variant);
        var rule = Assert.Single(manifests.Named<HttpRoute>(ServiceNames.Connection).Spec.Rules);

        Assert.Equal("0s", rule.Timeouts?.Request);
        Assert.Equal("0s", rule.Timeouts?.BackendRequest);
    }

    [Fact]
    public async Task The_gateways_proxies_and_not_ingress_nginx_reach_the_gateway_and_the_server_api()
    {
        var manifests = await Manifests.RenderAsync(Variant);
        IEnumerable<string> ReachableFrom(string ns) => CodeNames.Services
            .Where(s => NetworkPolicyTests.AllowsFromNamespace(manifests, manifests.Deployment(s).Spec.Template.Metadata.Labels, ns, "http"))
            .Order();

        Assert.Equal(new[] { ServiceNames.Connection, ServiceNames.Fanout }.Order(), ReachableFrom(GatewayNamespace));
        Assert.Empty(ReachableFrom("ingress-nginx"));
    }
}
