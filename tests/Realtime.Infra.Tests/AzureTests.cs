using System.Text.Json;
using Realtime.Contracts;
using Realtime.Infra.Tests.Models;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;
using Realtime.Messaging.Log;

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
        var apps = ContainerApps();

        Assert.Equal(CodeNames.LogUsers, apps.Keys.Order());
        foreach (var (app, settings) in apps)
        {
            Assert.Equal(app, settings.Dapr.AppId);
            Assert.Equal(8080, settings.Dapr.AppPort);
            Assert.InRange(settings.Scale.MinReplicas, 1, settings.Scale.MaxReplicas);
            // The settings switch the apps to the native Redis Streams log, which the scale rules watch.
            Assert.Equal(nameof(LogTransport.RedisStreams), Environment(settings)[CodeNames.TransportKey]);
            Assert.False(settings.Dapr.Enabled, $"{app}: Dapr sidecars are for Messaging__Transport=Dapr");
        }

        // Producers choose a record's stream by the partition count, consumers read by it.
        var partitions = apps.Values.Select(a => CodeNames.MessagingOptionsOf(Environment(a)).RedisStreamPartitions).Distinct().Single();
        foreach (var consumer in CodeNames.Consumers)
        {
            var scale = apps[consumer.Service].Scale;
            var rules = scale.Rules.Select(r => r.Custom!).ToList();

            // One rule per partition stream (KEDA takes the largest replica count any rule asks for).
            Assert.Equal(CodeNames.RedisStreamKeysOf(consumer.Topic, partitions), rules.Select(r => r.Metadata["stream"]));
            Assert.Equal(scale.Rules.Count, scale.Rules.Select(r => r.Name).Distinct().Count());
            Assert.All(rules, rule =>
            {
                Assert.Equal("redis-streams", rule.Type);
                Assert.Equal(consumer.Group, rule.Metadata["consumerGroup"]);
                Assert.Equal(("redis-password", "password"), (rule.Auth.Single().SecretRef, rule.Auth.Single().TriggerParameter));
            });
            // Members lease partitions, one reader each: more replicas than partitions would idle.
            Assert.InRange(scale.MaxReplicas, 1, partitions);
        }
    }

    [Fact]
    public void Public_apps_keep_health_and_metrics_off_their_public_ingress()
    {
        foreach (var (app, settings) in ContainerApps().Where(a => a.Key is ServiceNames.Connection or ServiceNames.Fanout))
        {
            var port = int.Parse(Environment(settings)["Management__Port"]!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.NotEqual(settings.Dapr.AppPort, port);
            var probes = settings.Probes.ToDictionary(p => p.Type, p => p.HttpGet!);
            Assert.Equal(("/alive", port), (probes["Liveness"].Path, probes["Liveness"].Port));
            Assert.Equal(("/health", port), (probes["Readiness"].Path, probes["Readiness"].Port));
        }
    }

    [Fact]
    public async Task Container_apps_dapr_component_matches_the_kubernetes_one()
    {
        var aca = Assert.IsType<ContainerAppsDaprComponent>(Assert.Single(ManifestParsingTests.ParseFile("infra/azure/dapr-pubsub.yaml")));
        var kubernetes = (await Manifests.RenderAsync("base+transport-dapr-redis")).Named<DaprComponent>(CodeNames.DaprPubSub);

        Assert.Equal(kubernetes.Spec.Type, aca.ComponentType);
        Assert.Equal(kubernetes.Scopes, aca.Scopes);
        foreach (var name in new[] { "consumerID", "maxLenApprox", "concurrency", "processingTimeout", "allowedTopics", "publishingScopes", "subscriptionScopes" })
        {
            Assert.Equal(kubernetes.MetadataValue(name), aca.MetadataValue(name));
        }
    }

    /// <summary>
    /// An open WebSocket is not a request in Container Apps' http rule (it counts arrivals per
    /// 15 s), so that rule would keep a gateway full of connections at its minimum. The gateway
    /// scales on the CPU and memory its connections cost instead.
    /// </summary>
    [Fact]
    public void The_gateway_scales_on_what_its_connections_cost_not_on_request_arrivals()
    {
        var rules = ContainerApps()[ServiceNames.Connection].Scale.Rules;

        Assert.All(rules, rule => Assert.Null(rule.Http));
        Assert.Equal(["cpu", "memory"], rules.Select(r => r.Custom!.Type).Order());
        Assert.All(rules, rule =>
        {
            Assert.Equal("Utilization", rule.Custom!.Metadata["type"]);
            Assert.InRange(int.Parse(rule.Custom.Metadata["value"], System.Globalization.CultureInfo.InvariantCulture), 30, 90);
        });
    }

    /// <summary>
    /// The AppHost runs several gateways so that cross-node delivery is always exercised; a
    /// deployment must not quietly run one. Aspire's manifest has no replica field for a project
    /// (<c>WithReplicas</c> is run-mode only), so the floor lives in the Container Apps settings
    /// and the production ScaledObject, and is checked here against the AppHost's own setting.
    /// </summary>
    [Fact]
    public async Task Deployments_run_at_least_as_many_gateways_as_the_apphost()
    {
        using var settings = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "AppHost", "appsettings.json")));
        var modelled = settings.RootElement.GetProperty("Topology").GetProperty("ConnectionReplicas").GetInt32();
        var prod = await Manifests.RenderAsync("infra/k8s/overlays/prod");

        Assert.InRange(modelled, 2, int.MaxValue);
        Assert.InRange(ContainerApps()[ServiceNames.Connection].Scale.MinReplicas, modelled, int.MaxValue);
        Assert.InRange(prod.ScaledObjectFor(ServiceNames.Connection)!.Spec.MinReplicaCount!.Value, modelled, int.MaxValue);
    }

    internal static Dictionary<string, ContainerAppSettings> ContainerApps() =>
        Assert.IsType<Dictionary<string, ContainerAppSettings>>(Assert.Single(ManifestParsingTests.ParseFile("infra/azure/container-apps.yaml")));

    /// <summary>An app's environment as the code would read it (secret references have no value here).</summary>
    internal static IReadOnlyDictionary<string, string?> Environment(ContainerAppSettings settings) =>
        settings.Env.ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);
}
