using Realtime.Infra.Tests.Models;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>Every YAML file in infra/ (and azure.yaml) parses into typed models, strictly.</summary>
public sealed class ManifestParsingTests
{
    public static TheoryData<string> YamlFiles() => new(RepositoryPaths.YamlFiles().Select(RepositoryPaths.Relative));

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Every_yaml_file_parses_into_typed_models(string file)
    {
        var objects = ParseFile(file);

        Assert.NotEmpty(objects);
        Assert.All(objects, Assert.NotNull);
    }

    [Fact]
    public void Every_kind_the_manifests_use_is_parsed_and_named()
    {
        var objects = RepositoryPaths.YamlFiles().Select(RepositoryPaths.Relative).SelectMany(ParseFile).ToList();

        // Kubernetes objects carry a name; kustomizations and the Azure files have none.
        foreach (var resource in objects.OfType<k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>>().Where(o => o is not Kustomization))
        {
            Assert.False(string.IsNullOrEmpty(resource.Metadata?.Name), $"a {resource.Kind} without a name");
        }
    }

    /// <summary>
    /// Kubernetes files (apiVersion + kind) go through KubernetesYaml's type map; the azd and
    /// Container Apps files have their own typed models.
    /// </summary>
    internal static IReadOnlyList<object> ParseFile(string relativePath)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, relativePath));
        return relativePath switch
        {
            "azure.yaml" => [k8s.KubernetesYaml.Deserialize<AzureYaml>(text, strict: true)],
            "infra/azure/container-apps.yaml" => [k8s.KubernetesYaml.Deserialize<Dictionary<string, ContainerAppSettings>>(text, strict: true)],
            "infra/azure/dapr-pubsub.yaml" => [k8s.KubernetesYaml.Deserialize<ContainerAppsDaprComponent>(text, strict: true)],
            _ => Manifests.Parse(text),
        };
    }
}
