using k8s;
using k8s.Models;

namespace Realtime.Infra.Tests.Models;

/// <summary>
/// A custom resource as the tests read it: typed down to every field the manifests use, so the
/// strict YAML deserializer rejects a misspelt or misplaced field as it would a built-in one's.
/// </summary>
public abstract class CustomResource<TSpec> : IKubernetesObject<V1ObjectMeta> where TSpec : new()
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public TSpec Spec { get; set; } = new();
}

/// <summary>A YAML value that must be an empty object (<c>selfSigned: {}</c>, <c>topicOperator: {}</c>).</summary>
public sealed class EmptyObject;
