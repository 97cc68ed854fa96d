using k8s.Models;

namespace Realtime.Infra.Tests.Models;

/// <summary>monitoring.coreos.com/v1 PodMonitor (Prometheus Operator).</summary>
public sealed class PodMonitor : CustomResource<PodMonitorSpec>;

public sealed class PodMonitorSpec
{
    public V1LabelSelector Selector { get; set; } = new();

    public List<string> PodTargetLabels { get; set; } = [];

    public List<PodMetricsEndpoint> PodMetricsEndpoints { get; set; } = [];
}

public sealed class PodMetricsEndpoint
{
    public string Port { get; set; } = "";

    public string Path { get; set; } = "";

    public string? Interval { get; set; }
}
