using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Realtime.Infra.Tests.Models;

namespace Realtime.Infra.Tests.Support;

/// <summary>
/// Renders kustomizations with <c>kubectl kustomize</c> and parses the result into typed models
/// (strictly: an unknown field is an error). Renders are cached for the test run.
/// </summary>
public static class Manifests
{
    /// <summary>The deployable variants: each overlay, and base with each transport component.</summary>
    public static readonly string[] Variants =
    [
        "infra/k8s/overlays/dev",
        "infra/k8s/overlays/prod",
        "base+transport-kafka",
        "base+transport-redis-streams",
        "base+transport-dapr-kafka",
        "base+transport-dapr-redis",
    ];

    /// <summary>Base, a transport, and the Gateway API component in place of the Ingresses.</summary>
    public const string GatewayApiVariant = "base+transport-redis-streams+gateway-api";

    /// <summary>The Kafka transports with SASL/TLS credentials for every Kafka client.</summary>
    public static readonly string[] KafkaSaslTlsVariants =
    [
        "base+transport-kafka+kafka-sasl-tls",
        "base+transport-dapr-kafka+kafka-sasl-tls",
    ];

    /// <summary>Variants that add an optional component; each has tests of its own.</summary>
    public static readonly string[] OptionalVariants = [GatewayApiVariant, .. KafkaSaslTlsVariants];

    private static readonly ConcurrentDictionary<string, Lazy<Task<RenderedManifests>>> Cache = new();

    public static Task<RenderedManifests> RenderAsync(string variant) =>
        Cache.GetOrAdd(variant, v => new Lazy<Task<RenderedManifests>>(() => RenderUncachedAsync(v))).Value;

    /// <summary>Parses YAML into typed objects, built-in kinds and the custom kinds of <see cref="ManifestTypes"/>.</summary>
    public static IReadOnlyList<object> Parse(string yaml) =>
        KubernetesYaml.LoadAllFromString(yaml, ManifestTypes.CustomResources, strict: true);

    private static async Task<RenderedManifests> RenderUncachedAsync(string variant)
    {
        if (!variant.StartsWith("base+", StringComparison.Ordinal))
        {
            return new RenderedManifests(variant, Parse(await KustomizeAsync(Path.Combine(RepositoryPaths.Root, variant))));
        }

        // A component renders only inside a kustomization: compose base + component in a scratch
        // directory. kustomize refuses absolute paths, so the references are relative.
        var scratch = Directory.CreateTempSubdirectory("realtime-infra-");
        try
        {
            // "base+a+b": base with components a and b, in that order.
            var components = variant["base+".Length..].Split('+')
                .Select(name => $"  - {Path.GetRelativePath(scratch.FullName, Path.Combine(RepositoryPaths.Kubernetes, "components", name))}");
            await File.WriteAllTextAsync(Path.Combine(scratch.FullName, "kustomization.yaml"), $"""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - {Path.GetRelativePath(scratch.FullName, Path.Combine(RepositoryPaths.Kubernetes, "base"))}
                components:
                {string.Join('\n', components)}
                """);
            return new RenderedManifests(variant, Parse(await KustomizeAsync(scratch.FullName)));
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    public static async Task<string> KustomizeAsync(string directory)
    {
        var result = await ProcessRunner.RunAsync("kubectl", ["kustomize", directory], RepositoryPaths.Root, TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, $"kubectl kustomize {directory} failed: {result.Error}");
        return result.Output;
    }
}

/// <summary>One rendered variant's objects, with the look-ups the tests need.</summary>
public sealed class RenderedManifests(string variant, IReadOnlyList<object> objects)
{
    public string Variant { get; } = variant;

    public IReadOnlyList<object> Objects { get; } = objects;

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public T Named<T>(string name) where T : IKubernetesObject<V1ObjectMeta> =>
        All<T>().SingleOrDefault(o => o.Metadata.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"{Variant}: no {typeof(T).Name} named {name}");

    public T? Find<T>(string name) where T : class, IKubernetesObject<V1ObjectMeta> =>
        All<T>().SingleOrDefault(o => o.Metadata.Name == name);

    public V1Deployment Deployment(string name) => Named<V1Deployment>(name);

    public V1Container Container(string deployment) => Deployment(deployment).Spec.Template.Spec.Containers.Single(c => c.Name == deployment);

    /// <summary>The generated realtime-config ConfigMap (its name carries a hash suffix).</summary>
    public V1ConfigMap Config => All<V1ConfigMap>().Single(c => c.Metadata.Name.StartsWith("realtime-config", StringComparison.Ordinal));

    /// <summary>
    /// The environment a service's container sees: the ConfigMap it loads, then its own env
    /// (which wins). Values from Secrets or the downward API are resolved where the render has them.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Environment(string deployment)
    {
        var container = Container(deployment);
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            var map = Named<V1ConfigMap>(source.ConfigMapRef.Name);
            foreach (var (key, value) in map.Data ?? new Dictionary<string, string>())
            {
                environment[key] = value;
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            environment[variable.Name] = variable.Value ?? SecretValue(variable.ValueFrom?.SecretKeyRef);
        }

        return environment;
    }

    public string? SecretValue(V1SecretKeySelector? selector)
    {
        if (selector is null || Find<V1Secret>(selector.Name) is not { } secret)
        {
            return null;
        }

        if (secret.StringData?.TryGetValue(selector.Key, out var text) == true)
        {
            return text;
        }

        return secret.Data?.TryGetValue(selector.Key, out var bytes) == true ? System.Text.Encoding.UTF8.GetString(bytes) : null;
    }

    public string Namespace => All<V1Namespace>().SingleOrDefault()?.Metadata.Name ?? Deployment("connection").Metadata.NamespaceProperty ?? "default";

    public ScaledObject? ScaledObjectFor(string deployment) =>
        All<ScaledObject>().SingleOrDefault(s => s.Spec.ScaleTargetRef.Name == deployment);

    public override string ToString() => Variant;
}
