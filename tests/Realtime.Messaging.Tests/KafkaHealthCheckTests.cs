using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Realtime.Messaging.Kafka;
using Realtime.Testing;

namespace Realtime.Messaging.Tests;

/// <summary>
/// The Kafka transport's readiness check, registered as the services register it. In a collection
/// of its own that does not run in parallel with other tests, so the thread count it watches is
/// its own.
/// </summary>
[Collection(nameof(KafkaHealthCheckTests))]
[CollectionDefinition(nameof(KafkaHealthCheckTests), DisableParallelization = true)]
public sealed class KafkaHealthCheckTests
{
    [Fact]
    public async Task Reports_healthy_against_the_mock_cluster()
    {
        await using var cluster = KafkaMockCluster.Start();
        using var host = BuildHost(cluster.BootstrapServers);

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = report.Entries["publication-log"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("3 Kafka brokers", entry.Description);
    }

    [Fact]
    public async Task Reports_unhealthy_against_a_dead_address_within_the_metadata_timeout()
    {
        using var host = BuildHost($"127.0.0.1:{FreePort.Next()}");
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var started = Stopwatch.StartNew();
        var report = await health.CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Entries["publication-log"].Status);
        Assert.True(started.Elapsed < KafkaHealthCheck.MetadataTimeout + TimeSpan.FromSeconds(3), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_gets_its_answer_at_once()
    {
        using var host = BuildHost($"127.0.0.1:{FreePort.Next()}");
        var health = host.Services.GetRequiredService<HealthCheckService>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var started = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => health.CheckHealthAsync(cancel.Token));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task Repeated_checks_do_not_leave_clients_behind()
    {
        // AddCheck<T> creates a check per run and never disposes it; a client kept in the check
        // leaked ~7 librdkafka threads per run.
        await using var cluster = KafkaMockCluster.Start();
        using var host = BuildHost(cluster.BootstrapServers);
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await health.CheckHealthAsync();
        var threads = Process.GetCurrentProcess().Threads.Count;

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
        }

        var growth = Process.GetCurrentProcess().Threads.Count - threads;
        Assert.True(growth < 20, $"{growth} more threads after 10 checks");
    }

    /// <summary>The production wiring: <c>Messaging:Transport=Kafka</c> and the <c>kafka</c> connection string.</summary>
    private static IHost BuildHost(string bootstrapServers)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:Transport"] = "Kafka",
            ["ConnectionStrings:kafka"] = bootstrapServers,
        });
        builder.AddPublicationLog(KafkaLogTransport.Instance);
        return builder.Build();
    }
}
