using System.Text.RegularExpressions;
using Realtime.Contracts;
using Realtime.Infra.Tests.Models;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>
/// The gateway scales on connections per pod, queried from Prometheus under the name the exporter
/// gives the gateway's instrument, and scales down slowly enough that every removed pod drains.
/// </summary>
public sealed partial class GatewayAutoscalingTests(ExportedMetrics exported) : IClassFixture<ExportedMetrics>
{
    public static TheoryData<string> Variants() => new(Manifests.Variants);

    [Fact]
    public void The_connection_count_is_exported_as_a_gauge()
    {
        var family = exported.FamilyOf(CodeNames.ConnectionsInstrument);

        // An UpDownCounter is a gauge: no _total, and "{connection}" is an annotation, not a unit suffix.
        Assert.Equal("gauge", exported.Families[family]);
        Assert.Equal(CodeNames.ConnectionsInstrument.Replace('.', '_'), family);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task The_scaler_queries_the_exported_metric_for_this_namespaces_gateways(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var trigger = manifests.ScaledObjectFor(ServiceNames.Connection)!.Spec.Triggers.Single(t => t.Type == "prometheus");
        var query = Selector().Match(trigger.Metadata["query"]);

        Assert.True(query.Success, $"unexpected query shape: {trigger.Metadata["query"]}");
        Assert.Equal(exported.FamilyOf(CodeNames.ConnectionsInstrument), query.Groups["metric"].Value);
        var labels = Label().Matches(query.Groups["labels"].Value).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value);
        Assert.Equal(ServiceNames.Connection, labels["app_kubernetes_io_name"]);
        if (!variant.StartsWith("base+", StringComparison.Ordinal))
        {
            Assert.Equal(manifests.Namespace, labels["namespace"]);
        }

        Assert.True(double.Parse(trigger.Metadata["threshold"], System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Prometheus_scrapes_the_metrics_endpoint_with_the_label_the_query_selects(string variant)
    {
        var monitor = (await Manifests.RenderAsync(variant)).Named<PodMonitor>("realtime");
        var endpoint = Assert.Single(monitor.Spec.PodMetricsEndpoints);

        Assert.Equal(CodeNames.MetricsPath, endpoint.Path);
        Assert.Equal("http", endpoint.Port);
        // Prometheus turns the pod label app.kubernetes.io/name into app_kubernetes_io_name.
        Assert.Contains("app.kubernetes.io/name", monitor.Spec.PodTargetLabels);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Scale_down_removes_one_gateway_at_a_time_after_each_has_drained(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var scaled = manifests.ScaledObjectFor(ServiceNames.Connection)!;
        var scaleDown = scaled.Spec.Advanced!.HorizontalPodAutoscalerConfig!.Behavior!.ScaleDown;
        var drain = WorkloadShapeTests.PreStopSeconds(manifests.Container(ServiceNames.Connection))
            + WorkloadShapeTests.ShutdownTimeout(manifests, ServiceNames.Connection).TotalSeconds;

        Assert.True(scaled.Spec.MinReplicaCount >= 1);
        Assert.True(scaleDown.StabilizationWindowSeconds >= 300, "a short lull must not shrink the tier");
        Assert.All(scaleDown.Policies, policy =>
        {
            Assert.Equal("Pods", policy.Type);
            Assert.Equal(1, policy.Value);
            Assert.True(policy.PeriodSeconds > drain, "the next pod would go before the previous one has drained");
        });
    }

    [GeneratedRegex(@"^sum\((?<metric>[a-z_]+)\{(?<labels>[^}]*)\}\)$")]
    private static partial Regex Selector();

    [GeneratedRegex(@"(?<key>[a-z_]+)=""(?<value>[^""]*)""")]
    private static partial Regex Label();
}
