using System.Diagnostics;
using Confluent.Kafka;
using Realtime.Testing;
using Xunit.Abstractions;

namespace Realtime.Messaging.Tests;

/// <summary>The test fixture itself: librdkafka's mock cluster hosted through P/Invoke.</summary>
public sealed class KafkaMockClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Starts_three_brokers_on_loopback_ports_and_creates_topics_with_the_asked_partitions()
    {
        var started = Stopwatch.StartNew();
        await using var cluster = KafkaMockCluster.Start();
        output.WriteLine($"{KafkaMockCluster.LibraryInfo}: started in {started.ElapsedMilliseconds} ms at {cluster.BootstrapServers}");

        Assert.Equal(3, cluster.BootstrapServers.Split(',').Length);
        Assert.All(cluster.BootstrapServers.Split(','), address => Assert.StartsWith("127.0.0.1:", address, StringComparison.Ordinal));
        cluster.CreateTopic("seven", partitions: 7);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        var metadata = admin.GetMetadata("seven", TimeSpan.FromSeconds(10));
        Assert.Equal(3, metadata.Brokers.Count);
        var topic = Assert.Single(metadata.Topics);
        Assert.Equal(7, topic.Partitions.Count);
        Assert.All(topic.Partitions, p => Assert.Equal(3, p.Replicas.Length));
    }

    [Fact]
    public async Task Creating_a_topic_twice_fails_with_the_brokers_error()
    {
        await using var cluster = KafkaMockCluster.Start(brokers: 1);
        cluster.CreateTopic("once", partitions: 1);

        var error = Assert.Throws<InvalidOperationException>(() => cluster.CreateTopic("once", partitions: 1));
        Assert.Contains("Topic already exists", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clusters_started_concurrently_are_independent_and_dispose_cleanly()
    {
        var clusters = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => KafkaMockCluster.Start())));
        try
        {
            Assert.Equal(4, clusters.Select(c => c.BootstrapServers).Distinct().Count());
        }
        finally
        {
            foreach (var cluster in clusters)
            {
                await cluster.DisposeAsync();
            }
        }

        // Disposing twice is harmless; using a disposed cluster is an error, not a crash.
        clusters[0].Dispose();
        Assert.Throws<ObjectDisposedException>(() => clusters[0].CreateTopic("late", 1));
    }
}
