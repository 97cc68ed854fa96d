using k8s.Models;

namespace Realtime.Infra.Tests.Models;

/// <summary>keda.sh/v1alpha1 ScaledObject.</summary>
public sealed class ScaledObject : CustomResource<ScaledObjectSpec>;

public sealed class ScaledObjectSpec
{
    public ScaleTargetRef ScaleTargetRef { get; set; } = new();

    public int? MinReplicaCount { get; set; }

    public int? MaxReplicaCount { get; set; }

    public int? PollingInterval { get; set; }

    public int? CooldownPeriod { get; set; }

    public ScaledObjectAdvanced? Advanced { get; set; }

    public List<ScaleTrigger> Triggers { get; set; } = [];
}

public sealed class ScaleTargetRef
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public string Name { get; set; } = "";
}

public sealed class ScaledObjectAdvanced
{
    public HorizontalPodAutoscalerConfig? HorizontalPodAutoscalerConfig { get; set; }
}

public sealed class HorizontalPodAutoscalerConfig
{
    /// <summary>The HPA's own behavior type, so its fields are checked by the Kubernetes model.</summary>
    public V2HorizontalPodAutoscalerBehavior? Behavior { get; set; }
}

public sealed class ScaleTrigger
{
    public string Type { get; set; } = "";

    public string? Name { get; set; }

    public string? MetricType { get; set; }

    public Dictionary<string, string> Metadata { get; set; } = [];

    public AuthenticationRef? AuthenticationRef { get; set; }
}

public sealed class AuthenticationRef
{
    public string Name { get; set; } = "";

    public string? Kind { get; set; }
}

/// <summary>keda.sh/v1alpha1 TriggerAuthentication.</summary>
public sealed class TriggerAuthentication : CustomResource<TriggerAuthenticationSpec>;

public sealed class TriggerAuthenticationSpec
{
    public List<SecretTargetRef> SecretTargetRef { get; set; } = [];
}

public sealed class SecretTargetRef
{
    public string Parameter { get; set; } = "";

    public string Name { get; set; } = "";

    public string Key { get; set; } = "";
}
