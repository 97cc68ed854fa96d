using System.Globalization;
using k8s.Models;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>
/// Each service's Deployment, Service and PodDisruptionBudget: the ServiceDefaults endpoints as
/// probes, resources, spreading, and a termination that covers the service's own drain.
/// </summary>
public sealed class WorkloadShapeTests
{
    /// <summary>What terminationGracePeriodSeconds must leave beyond preStop and the host's shutdown deadline.</summary>
    private const int GraceMarginSeconds = 5;

    public static TheoryData<string, string> ServicesByVariant()
    {
        var data = new TheoryData<string, string>();
        foreach (var variant in Manifests.Variants)
        {
            foreach (var service in CodeNames.Services)
            {
                data.Add(variant, service);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ServicesByVariant))]
    public async Task Deployment_runs_the_services_image_on_its_http_port(string variant, string service)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var deployment = manifests.Deployment(service);
        var container = manifests.Container(service);

        Assert.Equal(service, deployment.Spec.Selector.MatchLabels["app.kubernetes.io/name"]);
        Assert.Equal(service, deployment.Spec.Template.Metadata.Labels["app.kubernetes.io/name"]);
        Assert.Equal(CodeNames.Image(service), ImageRepository(container.Image));
        var port = Assert.Single(container.Ports);
        Assert.Equal("http", port.Name);
        // ASP.NET Core listens where ASPNETCORE_HTTP_PORTS says; the port the probes and Service use must be it.
        Assert.Equal(port.ContainerPort.ToString(CultureInfo.InvariantCulture), manifests.Environment(service)["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal(service, manifests.Environment(service)["OTEL_SERVICE_NAME"]);
    }

    [Theory]
    [MemberData(nameof(ServicesByVariant))]
    public async Task Probes_use_the_service_defaults_endpoints(string variant, string service)
    {
        var container = (await Manifests.RenderAsync(variant)).Container(service);

        Assert.Equal(CodeNames.HealthPath, container.ReadinessProbe.HttpGet.Path);
        Assert.Equal(CodeNames.AlivePath, container.LivenessProbe.HttpGet.Path);
        Assert.Equal(CodeNames.AlivePath, container.StartupProbe.HttpGet.Path);
        Assert.All(new[] { container.ReadinessProbe, container.LivenessProbe, container.StartupProbe },
            probe => Assert.Equal("http", probe.HttpGet.Port.Value));
    }

    [Theory]
    [MemberData(nameof(ServicesByVariant))]
    public async Task Termination_covers_prestop_and_the_hosts_shutdown_deadline(string variant, string service)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var pod = manifests.Deployment(service).Spec.Template.Spec;
        var preStop = PreStopSeconds(manifests.Container(service));

        Assert.True(preStop > 0, $"{service} needs a preStop pause so endpoints are withdrawn before SIGTERM");
        var needed = preStop + ShutdownTimeout(manifests, service).TotalSeconds + GraceMarginSeconds;
        Assert.True(pod.TerminationGracePeriodSeconds >= needed,
            $"{service}: terminationGracePeriodSeconds {pod.TerminationGracePeriodSeconds} < preStop {preStop}s + Shutdown:Timeout + {GraceMarginSeconds}s");
    }

    [Theory]
    [MemberData(nameof(ServicesByVariant))]
    public async Task Resources_are_requested_and_limited(string variant, string service)
    {
        var resources = (await Manifests.RenderAsync(variant)).Container(service).Resources;

        foreach (var name in new[] { "cpu", "memory" })
        {
            var request = Assert.Contains(name, resources.Requests);
            var limit = Assert.Contains(name, resources.Limits);
            Assert.True(request.ToDecimal() <= limit.ToDecimal(), $"{service}: {name} request above its limit");
        }
    }

    [Theory]
    [MemberData(nameof(ServicesByVariant))]
    public async Task Pods_spread_over_nodes_and_are_evicted_one_at_a_time(string variant, string service)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var labels = manifests.Deployment(service).Spec.Template.Metadata.Labels;
        var spread = manifests.Deployment(service).Spec.Template.Spec.TopologySpreadConstraints
            .Single(c => c.TopologyKey == "kubernetes.io/hostname");
        var budget = manifests.All<V1PodDisruptionBudget>().Single(b => Selects(b.Spec.Selector, labels));

        Assert.True(Selects(spread.LabelSelector, labels));
        Assert.Equal(1, spread.MaxSkew);
        Assert.Equal(1, int.Parse(budget.Spec.MaxUnavailable.Value, CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(ServicesByVariant))]
    public async Task Service_is_named_after_the_service_and_reaches_its_pods(string variant, string service)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var kubernetesService = manifests.Named<V1Service>(service);
        var port = Assert.Single(kubernetesService.Spec.Ports);

        Assert.Equal("ClusterIP", kubernetesService.Spec.Type);
        Assert.True(kubernetesService.Spec.Selector.All(l => manifests.Deployment(service).Spec.Template.Metadata.Labels[l.Key] == l.Value));
        // Service discovery resolves http://{service} to port 80 (see HttpClientTargetTests).
        Assert.Equal(80, port.Port);
        Assert.Equal("http", port.TargetPort.Value);
    }

    [Theory]
    [MemberData(nameof(ServicesByVariant))]
    public async Task Pods_run_locked_down(string variant, string service)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var pod = manifests.Deployment(service).Spec.Template.Spec;
        var container = manifests.Container(service);

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.False(pod.AutomountServiceAccountToken);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Contains("ALL", container.SecurityContext.Capabilities.Drop);
    }

    [Theory]
    [MemberData(nameof(ServicesByVariant))]
    public async Task Autoscaled_deployments_leave_the_replica_count_to_keda(string variant, string service)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var scaled = manifests.ScaledObjectFor(service);

        if (service == Realtime.Contracts.ServiceNames.Presence)
        {
            Assert.Null(scaled);
            Assert.NotNull(manifests.Deployment(service).Spec.Replicas);
        }
        else
        {
            Assert.NotNull(scaled);
            Assert.Null(manifests.Deployment(service).Spec.Replicas);
        }
    }

    internal static int PreStopSeconds(V1Container container) => (int)(container.Lifecycle?.PreStop?.Sleep?.Seconds ?? 0);

    /// <summary>Shutdown:Timeout as the service will read it: its environment, else the code's default.</summary>
    internal static TimeSpan ShutdownTimeout(RenderedManifests manifests, string service) =>
        manifests.Environment(service).TryGetValue(CodeNames.ShutdownTimeoutKey, out var value) && value is not null
            ? TimeSpan.Parse(value, CultureInfo.InvariantCulture)
            : CodeNames.DefaultShutdownTimeout;

    internal static bool Selects(V1LabelSelector selector, IDictionary<string, string> labels) =>
        selector.MatchLabels.All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value);

    /// <summary>registry/path/realtime-connection:tag → realtime-connection.</summary>
    internal static string ImageRepository(string image)
    {
        var name = image[(image.LastIndexOf('/') + 1)..];
        return name.Split(':')[0];
    }
}
