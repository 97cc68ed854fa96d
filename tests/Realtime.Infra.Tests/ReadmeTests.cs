using System.Text.RegularExpressions;
using k8s.Models;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>infra/README.md keeps up with the files and the secrets it tells an operator to create.</summary>
public sealed partial class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(RepositoryPaths.Readme);

    [Fact]
    public void Every_kustomization_is_documented()
    {
        Assert.All(RepositoryPaths.KustomizationDirectories(), directory => Assert.Contains(directory, Readme, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_secret_instructions_create_every_secret_key_production_references()
    {
        var prod = await Manifests.RenderAsync("infra/k8s/overlays/prod");
        var documented = CreateSecret().Matches(Readme)
            .ToDictionary(m => m.Groups["name"].Value, m => FromLiteral().Matches(m.Groups["args"].Value).Select(l => l.Groups["key"].Value).ToHashSet());
        var referenced = prod.All<V1Deployment>()
            .SelectMany(d => d.Spec.Template.Spec.Containers.SelectMany(c => c.Env ?? []))
            .Select(e => e.ValueFrom?.SecretKeyRef)
            .OfType<V1SecretKeySelector>()
            .Concat(prod.All<Models.TriggerAuthentication>().SelectMany(t => t.Spec.SecretTargetRef)
                .Select(r => new V1SecretKeySelector { Name = r.Name, Key = r.Key }));

        Assert.All(referenced, reference =>
        {
            Assert.True(documented.TryGetValue(reference.Name, out var keys) && keys.Contains(reference.Key),
                $"infra/README.md does not create {reference.Name}/{reference.Key}");
        });
    }

    [Fact]
    public void The_image_instructions_name_the_images_the_manifests_run()
    {
        Assert.All(CodeNames.Services, service =>
            Assert.Contains($"-p:ContainerRepository={CodeNames.Image(service)}", Readme.Replace("${svc}", service, StringComparison.Ordinal), StringComparison.Ordinal));
    }

    /// <summary>kubectl … create secret generic NAME --from-literal=k=v … (continued over backslash-newlines).</summary>
    [GeneratedRegex(@"create secret generic (?<name>[a-z0-9-]+)(?<args>(?:[^\n]*\\\n)*[^\n]*)")]
    private static partial Regex CreateSecret();

    [GeneratedRegex(@"--from-(?:literal|file)=(?<key>[A-Za-z0-9._-]+)=")]
    private static partial Regex FromLiteral();
}
