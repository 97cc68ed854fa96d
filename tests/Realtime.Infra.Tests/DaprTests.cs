using System.Globalization;
using Realtime.Infra.Tests.Models;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;
using Realtime.Messaging.Dapr;
using Realtime.Contracts;

namespace Realtime.Infra.Tests;

/// <summary>The Dapr transports: sidecar annotations, the pub/sub component and the resiliency policy.</summary>
public sealed class DaprTests
{
    public static TheoryData<string> DaprVariants() => new(Manifests.Variants.Where(v => v.Contains("dapr", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(DaprVariants))]
    public async Task Pubsub_component_has_the_codes_name_topics_groups_and_dead_letter_topics(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var component = manifests.Named<DaprComponent>(CodeNames.DaprPubSub);
        var apps = CodeNames.Publishers.Keys.Concat(CodeNames.Consumers.Select(c => c.Service)).Distinct().Order().ToList();

        Assert.Equal(apps, component.Scopes.Order());
        // {appID} makes each app's consumer group its app id; the sidecar tests pin app id = group.
        Assert.Equal("{appID}", component.MetadataValue(component.Spec.Type == "pubsub.kafka" ? "consumerGroup" : "consumerID"));

        var deadLetters = CodeNames.Topics.Select(CodeNames.DeadLetter);
        Assert.Equal(CodeNames.Topics.Concat(deadLetters).Order(), Split(component.MetadataValue("allowedTopics")).Order());

        var subscriptions = Scopes(component.MetadataValue("subscriptionScopes"));
        foreach (var app in apps)
        {
            Assert.Equal(CodeNames.Consumers.Where(c => c.Service == app).Select(c => c.Topic), subscriptions[app]);
        }

        var publishing = Scopes(component.MetadataValue("publishingScopes"));
        foreach (var app in apps)
        {
            // Publishers publish their topics; a consumer's sidecar publishes its dead letters.
            var expected = CodeNames.Publishers.GetValueOrDefault(app, [])
                .Concat(CodeNames.Consumers.Where(c => c.Service == app).Select(c => CodeNames.DeadLetter(c.Topic)));
            Assert.Equal(expected.Order(), publishing[app].Order());
        }
    }

    [Theory]
    [MemberData(nameof(DaprVariants))]
    public async Task Sidecars_run_beside_the_log_users_as_their_service_and_consumer_group(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var component = manifests.Named<DaprComponent>(CodeNames.DaprPubSub);
        foreach (var service in CodeNames.Services)
        {
            var annotations = manifests.Deployment(service).Spec.Template.Metadata.Annotations ?? new Dictionary<string, string>();
            if (!component.Scopes.Contains(service))
            {
                Assert.False(annotations.ContainsKey("dapr.io/enabled"), $"{service} needs no sidecar");
                continue;
            }

            Assert.Equal("true", annotations["dapr.io/enabled"]);
            Assert.Equal(service, annotations["dapr.io/app-id"]);
            foreach (var consumer in CodeNames.Consumers.Where(c => c.Service == service))
            {
                Assert.Equal(consumer.Group, annotations["dapr.io/app-id"]);
            }

            var port = manifests.Container(service).Ports.Single(p => p.Name == "http");
            Assert.Equal(port.ContainerPort.ToString(CultureInfo.InvariantCulture), annotations["dapr.io/app-port"]);
            // daprd proves itself to the app's log routes with this secret's token (dapr-api-token = APP_API_TOKEN).
            Assert.Equal(CodeNames.DaprAppTokenSecret, annotations["dapr.io/app-token-secret"]);
            // /health fails once draining starts; the sidecar must outlive the drain.
            Assert.Equal(CodeNames.AlivePath, annotations["dapr.io/app-health-check-path"]);

            var pod = manifests.Deployment(service).Spec.Template.Spec;
            var drain = WorkloadShapeTests.PreStopSeconds(manifests.Container(service)) + WorkloadShapeTests.ShutdownTimeout(manifests, service).TotalSeconds;
            var block = Duration(annotations["dapr.io/block-shutdown-duration"]).TotalSeconds;
            var graceful = double.Parse(annotations["dapr.io/graceful-shutdown-seconds"], CultureInfo.InvariantCulture);
            Assert.True(block >= drain, $"{service}: the sidecar stops blocking ({block}s) before the app has drained ({drain}s)");
            Assert.True(block + graceful <= pod.TerminationGracePeriodSeconds, $"{service}: the sidecar outlives the grace period");
        }
    }

    [Theory]
    [MemberData(nameof(DaprVariants))]
    public async Task Resiliency_covers_the_pubsub_component_for_its_apps(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var resiliency = manifests.All<DaprResiliency>().Single();
        var component = manifests.Named<DaprComponent>(CodeNames.DaprPubSub);
        var target = Assert.Contains(CodeNames.DaprPubSub, resiliency.Spec.Targets.Components);

        Assert.Equal(component.Scopes.Order(), resiliency.Scopes.Order());
        Assert.Contains(target.Outbound!.Retry!, resiliency.Spec.Policies.Retries.Keys);
        Assert.Contains(target.Outbound.Timeout!, resiliency.Spec.Policies.Timeouts.Keys);
        Assert.Contains(target.Outbound.CircuitBreaker!, resiliency.Spec.Policies.CircuitBreakers.Keys);
        // Unlimited inbound retries: the app dead-letters bad records itself and answers RETRY only
        // for outages, which must be waited out, not dead-lettered by daprd.
        Assert.Equal(-1, resiliency.Spec.Policies.Retries[target.Inbound!.Retry!].MaxRetries);
    }

    [Fact]
    public async Task Redis_component_matches_the_native_transport_and_the_scalers()
    {
        var manifests = await Manifests.RenderAsync("base+transport-dapr-redis");
        var component = manifests.Named<DaprComponent>(CodeNames.DaprPubSub);
        var trigger = manifests.All<ScaledObject>().SelectMany(s => s.Spec.Triggers).First(t => t.Type == "redis-streams");
        var authentication = manifests.Named<TriggerAuthentication>(trigger.AuthenticationRef!.Name).Spec.SecretTargetRef.Single(r => r.Parameter == "password");
        var password = component.Spec.Metadata.Single(m => m.Name == "redisPassword").SecretKeyRef!;

        Assert.Equal(CodeNames.RedisStreamMaxLength.ToString(CultureInfo.InvariantCulture), component.MetadataValue("maxLenApprox"));
        Assert.Equal(trigger.Metadata["address"], component.MetadataValue("redisHost"));
        Assert.Equal((authentication.Name, authentication.Key), (password.Name, password.Key));
    }

    [Fact]
    public async Task Redis_component_delivers_in_order_and_never_twice_at_once()
    {
        var manifests = await Manifests.RenderAsync("base+transport-dapr-redis");
        var component = manifests.Named<DaprComponent>(CodeNames.DaprPubSub);

        // pubsub.redis hands a stream's entries to 10 workers by default: fanout assigns offsets in
        // the order deliveries reach it, so a channel's publications would be sequenced out of order.
        Assert.Equal("1", component.MetadataValue("concurrency"));

        // daprd redelivers an entry pending longer than processingTimeout; the app gives one delivery
        // up to Messaging:Dapr:MaxHandlingTime before answering RETRY, which must come first.
        foreach (var consumer in CodeNames.Consumers)
        {
            var handling = CodeNames.Bind<DaprLogSubscriptionOptions>(manifests.Environment(consumer.Service), CodeNames.DaprSubscriptionSection).MaxHandlingTime;
            Assert.True(Duration(component.MetadataValue("processingTimeout")!) > handling,
                $"processingTimeout {component.MetadataValue("processingTimeout")} does not exceed {consumer.Service}'s MaxHandlingTime {handling}");
        }
    }

    /// <summary>
    /// On Dapr's Redis component fanout must run as one pod (its stream is shared round-robin,
    /// not by channel); a rolling update's surge pod would overlap the old one. Elsewhere fanout
    /// rolls without a gap (partitions are leased or assigned, so two pods never share one).
    /// </summary>
    [Theory]
    [MemberData(nameof(AllVariants))]
    public async Task Fanout_never_runs_two_pods_on_dapr_redis_and_rolls_without_a_gap_elsewhere(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var strategy = manifests.Deployment(ServiceNames.Fanout).Spec.Strategy;

        if (variant == "base+transport-dapr-redis")
        {
            Assert.Equal("Recreate", strategy.Type);
            Assert.Null(strategy.RollingUpdate);
            Assert.Equal(1, manifests.Named<ScaledObject>(ServiceNames.Fanout).Spec.MaxReplicaCount);
        }
        else
        {
            Assert.Equal("RollingUpdate", strategy.Type);
            Assert.Equal("0", strategy.RollingUpdate.MaxUnavailable.Value);
        }
    }

    public static TheoryData<string> AllVariants() => new(Manifests.Variants);

    [Fact]
    public async Task Kafka_component_starts_new_groups_where_the_native_consumer_does()
    {
        var manifests = await Manifests.RenderAsync("base+transport-dapr-kafka");

        // Dapr's "oldest" is Kafka's earliest, as KafkaLogConsumer and the KEDA trigger use.
        Assert.Equal("oldest", manifests.Named<DaprComponent>(CodeNames.DaprPubSub).MetadataValue("initialOffset"));
    }

    internal static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Dapr's scope syntax: app1=topic1,topic2;app2=topic3.</summary>
    internal static Dictionary<string, List<string>> Scopes(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .ToDictionary(parts => parts[0].Trim(), parts => Split(parts.ElementAtOrDefault(1)).ToList());

    internal static TimeSpan Duration(string value) => value[^1] switch
    {
        's' => TimeSpan.FromSeconds(double.Parse(value[..^1], CultureInfo.InvariantCulture)),
        'm' => TimeSpan.FromMinutes(double.Parse(value[..^1], CultureInfo.InvariantCulture)),
        _ => throw new FormatException($"not a duration this test reads: {value}"),
    };
}
