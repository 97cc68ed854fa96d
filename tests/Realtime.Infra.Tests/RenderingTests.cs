using Realtime.Infra.Tests.Models;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>Every kustomization renders with kubectl kustomize, and what it renders parses into typed models.</summary>
public sealed class RenderingTests
{
    public static TheoryData<string> Kustomizations() => new(RepositoryPaths.KustomizationDirectories()
        .Where(directory => ManifestParsingTests.ParseFile($"{directory}/kustomization.yaml").OfType<Kustomization>().Single().Kind == "Kustomization"));

    public static TheoryData<string> Variants() => new(Manifests.Variants);

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task Every_kustomization_renders_into_typed_objects(string directory)
    {
        var yaml = await Manifests.KustomizeAsync(Path.Combine(RepositoryPaths.Root, directory));

        Assert.NotEmpty(Manifests.Parse(yaml));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Every_deployable_variant_renders_the_four_services(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);

        Assert.Equal(CodeNames.Services.Order(), manifests.All<k8s.Models.V1Deployment>().Select(d => d.Metadata.Name).Order());
    }

    [Fact]
    public void Every_component_is_rendered_by_some_variant()
    {
        var components = Directory.GetDirectories(Path.Combine(RepositoryPaths.Kubernetes, "components")).Select(Path.GetFileName).ToList();
        var transports = components.Where(c => c!.StartsWith("transport-", StringComparison.Ordinal)).ToList();

        // Transports are rendered directly; the rest are included by a transport or added by an optional variant.
        Assert.All(transports, t => Assert.Contains($"base+{t}", Manifests.Variants));
        var included = transports.SelectMany(t => ManifestParsingTests
            .ParseFile($"infra/k8s/components/{t}/kustomization.yaml").OfType<Kustomization>().Single().Components)
            .Select(Path.GetFileName)
            .Concat(Manifests.OptionalVariants.SelectMany(v => v.Split('+')));
        Assert.All(components.Except(transports), c => Assert.Contains(c, included));
    }
}
