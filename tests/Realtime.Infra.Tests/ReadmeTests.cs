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
    public async Task The_secret_instructions_create_every_secret_key_production_requires_and_document_the_optional_ones()
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
            if (reference.Optional == true)
            {
                // An operator picks among these (e.g. one kind of token key): the secrets table names them.
                Assert.Contains($"| `{reference.Name}` | `{reference.Key}` |", Readme, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(documented.TryGetValue(reference.Name, out var keys) && keys.Contains(reference.Key),
                    $"infra/README.md does not create {reference.Name}/{reference.Key}");
            }
        });
    }

    [Fact]
    public void The_image_instructions_publish_the_images_the_manifests_run()
    {
        // The projects name their images (ContainerRepository, see ImageTests): the guide publishes
        // each service project as it is, without overriding the name.
        Assert.DoesNotContain("-p:ContainerRepository", Readme, StringComparison.Ordinal);
        var publish = PublishCommand().Match(Readme);
        Assert.True(publish.Success, "infra/README.md has no dotnet publish … /t:PublishContainer loop");
        Assert.All(CodeNames.Services, service =>
        {
            var name = CodeNames.ProjectName(service);
            Assert.Equal(CodeNames.Project(service), publish.Groups["project"].Value.Replace("$project", name, StringComparison.Ordinal));
            Assert.Contains(name, publish.Groups["projects"].Value.Split(' '));
            Assert.Contains($"`{CodeNames.Image(service)}`", Readme, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_guide_names_the_partition_streams_the_code_writes()
    {
        foreach (var topic in CodeNames.Topics)
        {
            Assert.Contains($"`{CodeNames.RedisStreamKey(topic, 0)}`", Readme, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The front README's "Deploy" table names every deployable path (azd, both overlays, every
    /// optional component, compose) and only test classes that exist, so what it says is checked
    /// stays what the tests check.
    /// </summary>
    [Fact]
    public void The_front_readmes_deploy_section_names_every_path_and_the_tests_that_check_it()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var section = DeploySection().Match(readme);
        Assert.True(section.Success, "README.md has no \"## Deploy\" section");
        var text = section.Groups["body"].Value;

        Assert.Contains("`azd up`", text, StringComparison.Ordinal);
        Assert.All(Manifests.Variants.Where(v => v.StartsWith("infra/k8s/overlays/", StringComparison.Ordinal)),
            overlay => Assert.Contains(overlay["infra/k8s/".Length..], text, StringComparison.Ordinal));
        var optional = Manifests.OptionalVariants.SelectMany(v => v.Split('+').Skip(1)).Where(c => !c.StartsWith("transport-", StringComparison.Ordinal)).Distinct();
        Assert.All(optional, component => Assert.Contains($"infra/k8s/components/{component}", text, StringComparison.Ordinal));
        Assert.Contains(RepositoryPaths.Relative(RepositoryPaths.Compose), text, StringComparison.Ordinal);

        var cited = TestClassName().Matches(text).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(cited);
        Assert.All(cited, name => Assert.NotNull(typeof(ReadmeTests).Assembly.GetType($"{typeof(ReadmeTests).Namespace}.{name}")));
    }

    /// <summary>kubectl … create secret generic NAME --from-literal=k=v … (continued over backslash-newlines).</summary>
    [GeneratedRegex(@"create secret generic (?<name>[a-z0-9-]+)(?<args>(?:[^\n]*\\\n)*[^\n]*)")]
    private static partial Regex CreateSecret();

    [GeneratedRegex(@"--from-(?:literal|file)=(?<key>[A-Za-z0-9._-]+)=")]
    private static partial Regex FromLiteral();

    /// <summary>for project in A B C; do dotnet publish "Services/Realtime.$project/Realtime.$project.csproj" … /t:PublishContainer</summary>
    [GeneratedRegex(@"for project in (?<projects>[A-Za-z ]+); do\s+dotnet publish ""(?<project>[^""]+)""[^\n]*/t:PublishContainer")]
    private static partial Regex PublishCommand();

    [GeneratedRegex(@"\n## Deploy\n(?<body>.*?)\n## ", RegexOptions.Singleline)]
    private static partial Regex DeploySection();

    [GeneratedRegex(@"`([A-Z][A-Za-z]+Tests)`")]
    private static partial Regex TestClassName();
}
