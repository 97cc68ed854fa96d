using k8s;
using k8s.Models;

namespace Realtime.Infra.Tests.Models;

/// <summary>dapr.io/v1alpha1 Component (scopes and auth sit beside spec, not in it).</summary>
public sealed class DaprComponent : CustomResource<DaprComponentSpec>
{
    public DaprComponentAuth? Auth { get; set; }

    public List<string> Scopes { get; set; } = [];

    public string? MetadataValue(string name) => Spec.Metadata.SingleOrDefault(m => m.Name == name)?.Value;
}

public sealed class DaprComponentSpec
{
    public string Type { get; set; } = "";

    public string Version { get; set; } = "";

    public List<DaprMetadataItem> Metadata { get; set; } = [];
}

public sealed class DaprMetadataItem
{
    public string Name { get; set; } = "";

    public string? Value { get; set; }

    public DaprSecretKeyRef? SecretKeyRef { get; set; }
}

public sealed class DaprSecretKeyRef
{
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";
}

public sealed class DaprComponentAuth
{
    public string SecretStore { get; set; } = "";
}

/// <summary>dapr.io/v1alpha1 Resiliency.</summary>
public sealed class DaprResiliency : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public List<string> Scopes { get; set; } = [];

    public ResiliencySpec Spec { get; set; } = new();
}

public sealed class ResiliencySpec
{
    public ResiliencyPolicies Policies { get; set; } = new();

    public ResiliencyTargets Targets { get; set; } = new();
}

public sealed class ResiliencyPolicies
{
    public Dictionary<string, string> Timeouts { get; set; } = [];

    public Dictionary<string, RetryPolicy> Retries { get; set; } = [];

    public Dictionary<string, CircuitBreakerPolicy> CircuitBreakers { get; set; } = [];
}

public sealed class RetryPolicy
{
    public string Policy { get; set; } = "";

    public string? Duration { get; set; }

    public string? MaxInterval { get; set; }

    public int MaxRetries { get; set; }
}

public sealed class CircuitBreakerPolicy
{
    public int MaxRequests { get; set; }

    public string Interval { get; set; } = "";

    public string Timeout { get; set; } = "";

    public string Trip { get; set; } = "";
}

public sealed class ResiliencyTargets
{
    public Dictionary<string, ComponentResiliency> Components { get; set; } = [];
}

public sealed class ComponentResiliency
{
    public ResiliencyDirection? Outbound { get; set; }

    public ResiliencyDirection? Inbound { get; set; }
}

public sealed class ResiliencyDirection
{
    public string? Timeout { get; set; }

    public string? Retry { get; set; }

    public string? CircuitBreaker { get; set; }
}
