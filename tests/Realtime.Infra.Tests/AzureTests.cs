using Realtime.Contracts;
using Realtime.Infra.Tests.Models;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>azure.yaml and the Container Apps settings agree with the AppHost and the code's names.</summary>
public sealed class AzureTests
{
    [Fact]
    public void Azure_yaml_deploys_the_apphost_to_container_apps()
    {
        var azure = Assert.IsType<AzureYaml>(Assert.Single(ManifestParsingTests.ParseFile("azure.yaml")));
        var service = Assert.Single(azure.Services).Value;
        var project = Path.GetFullPath(Path.Combine(RepositoryPaths.Root, service.Project));

        Assert.Equal(("dotnet", "containerapp"), (service.Language, service.Host));
        Assert.True(File.Exists(project), $"{service.Project} does not exist");
        Assert.Contains("Aspire.AppHost.Sdk", File.ReadAllText(project), StringComparison.Ordinal);
        // azd's Bicep must not mix with the Kubernetes manifests.
        Assert.StartsWith("infra/azure", azure.Infra?.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Container_apps_settings_use_the_codes_app_ids_streams_and_groups()
    {
        var apps = Assert.IsType<Dictionary<string, ContainerAppSettings>>(Assert.Single(ManifestParsingTests.ParseFile("infra/azure/container-apps.yaml")));

        Assert.Equal(CodeNames.Publishers.Keys.Concat(CodeNames.Consumers.Select(c => c.Service)).Distinct().Order(), apps.Keys.Order());
        foreach (var (app, settings) in apps)
        {
            Assert.Equal(app, settings.Dapr.AppId);
            Assert.Equal(8080, settings.Dapr.AppPort);
            Assert.InRange(settings.Scale.MinReplicas, 1, settings.Scale.MaxReplicas);
        }

        foreach (var consumer in CodeNames.Consumers)
        {
            var rule = Assert.Single(apps[consumer.Service].Scale.Rules).Custom!;
            Assert.Equal("redis-streams", rule.Type);
            Assert.Equal(CodeNames.RedisStreamKey(consumer.Topic), rule.Metadata["stream"]);
            Assert.Equal(consumer.Group, rule.Metadata["consumerGroup"]);
        }

        // One stream, one sequencer (see LogNamingTests).
        Assert.Equal(1, apps[ServiceNames.Fanout].Scale.MaxReplicas);
    }

    [Fact]
    public async Task Container_apps_dapr_component_matches_the_kubernetes_one()
    {
        var aca = Assert.IsType<ContainerAppsDaprComponent>(Assert.Single(ManifestParsingTests.ParseFile("infra/azure/dapr-pubsub.yaml")));
        var kubernetes = (await Manifests.RenderAsync("base+transport-dapr-redis")).Named<DaprComponent>(CodeNames.DaprPubSub);

        Assert.Equal(kubernetes.Spec.Type, aca.ComponentType);
        Assert.Equal(kubernetes.Scopes, aca.Scopes);
        foreach (var name in new[] { "consumerID", "maxLenApprox", "allowedTopics", "publishingScopes", "subscriptionScopes" })
        {
            Assert.Equal(kubernetes.MetadataValue(name), aca.MetadataValue(name));
        }
    }
}
