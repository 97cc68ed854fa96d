using Realtime.Infra.Tests.Models;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;
using Realtime.Messaging.Log;

namespace Realtime.Infra.Tests;

/// <summary>
/// The publication log's names — topics, consumer groups, dead-letter topics, stream keys, the
/// transport setting — agree between the code, the KEDA triggers, Strimzi's topics and Dapr.
/// </summary>
public sealed class LogNamingTests
{
    public static TheoryData<string> Variants() => new(Manifests.Variants);

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Transport_setting_is_one_the_code_knows_and_matches_the_autoscaling(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var setting = Assert.Contains(CodeNames.TransportKey, manifests.Config.Data);

        Assert.True(Enum.TryParse<LogTransport>(setting, out var transport), $"{CodeNames.TransportKey}={setting} is not a LogTransport");
        var dapr = manifests.All<DaprComponent>().SingleOrDefault(c => c.Spec.Type.StartsWith("pubsub.", StringComparison.Ordinal));
        var expectedTrigger = transport switch
        {
            LogTransport.Kafka => "kafka",
            LogTransport.RedisStreams => "redis-streams",
            LogTransport.Dapr => Assert.IsType<DaprComponent>(dapr).Spec.Type == "pubsub.kafka" ? "kafka" : "redis-streams",
            _ => throw new NotSupportedException(transport.ToString()),
        };
        foreach (var consumer in CodeNames.Consumers)
        {
            var trigger = Assert.Single(Assert.IsType<ScaledObject>(manifests.ScaledObjectFor(consumer.Service)).Spec.Triggers);
            Assert.Equal(expectedTrigger, trigger.Type);
        }

        Assert.Equal(transport == LogTransport.Dapr, dapr is not null);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Kafka_triggers_watch_the_topic_and_group_each_consumer_reads(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        foreach (var consumer in CodeNames.Consumers)
        {
            var trigger = manifests.ScaledObjectFor(consumer.Service)!.Spec.Triggers.Single();
            if (trigger.Type != "kafka")
            {
                continue;
            }

            Assert.Equal(consumer.Topic, trigger.Metadata["topic"]);
            Assert.Equal(consumer.Group, trigger.Metadata["consumerGroup"]);
            Assert.True(int.Parse(trigger.Metadata["lagThreshold"], System.Globalization.CultureInfo.InvariantCulture) > 0);
            // KafkaLogConsumer starts a new group at the earliest offset; lag must be counted the same way.
            Assert.Equal("earliest", trigger.Metadata["offsetResetPolicy"]);
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Redis_streams_triggers_watch_the_stream_and_group_each_consumer_reads(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var viaDapr = manifests.Config.Data[CodeNames.TransportKey] == nameof(LogTransport.Dapr);
        foreach (var consumer in CodeNames.Consumers)
        {
            var trigger = manifests.ScaledObjectFor(consumer.Service)!.Spec.Triggers.Single();
            if (trigger.Type != "redis-streams")
            {
                continue;
            }

            // The native transport keys streams rt:log:{topic}; Dapr names a stream after its topic.
            Assert.Equal(viaDapr ? consumer.Topic : CodeNames.RedisStreamKey(consumer.Topic), trigger.Metadata["stream"]);
            Assert.Equal(consumer.Group, trigger.Metadata["consumerGroup"]);
            Assert.True(int.Parse(trigger.Metadata["lagCount"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        }
    }

    [Fact]
    public async Task Kafka_topics_exist_for_every_log_topic_and_its_dead_letter_topic()
    {
        var topics = (await BackingKafkaAsync()).All<KafkaTopic>().Select(t => t.Spec.TopicName).ToList();

        foreach (var topic in CodeNames.Topics)
        {
            Assert.Contains(topic, topics);
            Assert.Contains(CodeNames.DeadLetter(topic), topics);
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Scaling_is_capped_at_what_the_log_can_spread_over(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var partitions = (await BackingKafkaAsync()).All<KafkaTopic>().ToDictionary(t => t.Spec.TopicName, t => t.Spec.Partitions);
        foreach (var consumer in CodeNames.Consumers)
        {
            var scaled = manifests.ScaledObjectFor(consumer.Service)!;
            var trigger = scaled.Spec.Triggers.Single();
            Assert.InRange(scaled.Spec.MinReplicaCount ?? 0, 1, scaled.Spec.MaxReplicaCount ?? 100);
            if (trigger.Type == "kafka")
            {
                // More members than partitions would sit idle.
                Assert.InRange(scaled.Spec.MaxReplicaCount!.Value, 1, partitions[consumer.Topic]);
            }
            else if (consumer.Topic == Realtime.Messaging.Log.LogTopics.Publications)
            {
                // One stream is one partition: two sequencers could reorder a publisher's messages.
                Assert.Equal(1, scaled.Spec.MaxReplicaCount);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Kafka_bootstrap_address_is_the_same_everywhere_and_is_the_brokers(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var addresses = manifests.All<ScaledObject>().SelectMany(s => s.Spec.Triggers)
            .Where(t => t.Type == "kafka").Select(t => t.Metadata["bootstrapServers"])
            .Concat(manifests.All<DaprComponent>().Where(c => c.Spec.Type == "pubsub.kafka").Select(c => c.MetadataValue("brokers")!))
            .ToList();
        if (manifests.Config.Data.TryGetValue(CodeNames.ConnectionStringKey(Realtime.Contracts.ServiceNames.Kafka), out var connectionString))
        {
            addresses.Add(connectionString);
        }

        if (addresses.Count == 0)
        {
            return;
        }

        var kafka = (await BackingKafkaAsync()).All<StrimziKafka>().Single();
        Assert.All(addresses, a => Assert.Equal(kafka.BootstrapAddress("plain"), a));
    }

    internal static Task<RenderedManifests> BackingKafkaAsync() => Manifests.RenderAsync("infra/backing/kafka");
}
