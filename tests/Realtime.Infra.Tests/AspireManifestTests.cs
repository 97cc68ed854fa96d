using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Realtime.Contracts;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;
using Realtime.Messaging.Log;

namespace Realtime.Infra.Tests;

/// <summary>
/// azd deploys what the AppHost's deployment manifest describes, so the manifest must be producible
/// here (no container engine is needed to write it) and describe what a cloud runs: the four
/// services on containerised backing services, the two public endpoints, and none of the
/// run-mode conveniences.
/// </summary>
[Collection(PublishedManifest.Collection)]
public sealed class AspireManifestTests
{
    private readonly JsonElement _resources;

    public AspireManifestTests(PublishedManifest published) => _resources = published.Resources;

    [Fact]
    public void The_manifest_lists_the_four_services_with_the_log_and_connection_strings_they_read()
    {
        foreach (var service in CodeNames.Services)
        {
            var resource = _resources.GetProperty(service);
            Assert.Equal("project.v0", resource.GetProperty("type").GetString());
            Assert.EndsWith(CodeNames.Project(service), resource.GetProperty("path").GetString()!.Replace('\\', '/'), StringComparison.Ordinal);
            var environment = resource.GetProperty("env");
            Assert.True(Enum.TryParse<LogTransport>(environment.GetProperty(CodeNames.TransportKey).GetString(), out _));
            foreach (var name in CodeNames.ConnectionStringsByService[service])
            {
                Assert.True(environment.TryGetProperty(CodeNames.ConnectionStringKey(name), out _), $"{service} lacks {name}");
            }
        }
    }

    [Fact]
    public void Publishing_describes_containers_whatever_the_infrastructure_mode()
    {
        // The publisher ran with Infrastructure__Mode=local (see PublishedManifest): publishing ignores it.
        foreach (var backing in new[] { ServiceNames.Redis, "postgres", ServiceNames.Kafka })
        {
            Assert.Equal("container.v0", _resources.GetProperty(backing).GetProperty("type").GetString());
        }

        // The broker advertises its own resource name, the host other container apps reach it by.
        var listeners = _resources.GetProperty(ServiceNames.Kafka).GetProperty("env").GetProperty("KAFKA_ADVERTISED_LISTENERS").GetString();
        Assert.Contains($"//{ServiceNames.Kafka}:9092", listeners, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_gateway_and_the_server_api_are_external()
    {
        var external = CodeNames.Services.Where(service => _resources.GetProperty(service).GetProperty("bindings").EnumerateObject()
            .Any(binding => binding.Value.TryGetProperty("external", out var value) && value.GetBoolean()));

        Assert.Equal(new[] { ServiceNames.Connection, ServiceNames.Fanout }.Order(), external.Order());
    }

    /// <summary>
    /// azd turns each external http binding into an ingress on port 80 (Container Apps accepts
    /// no other for http) in front of the container's own port; a fixed port in the manifest
    /// makes it refuse the app. The AppHost's local ports (8000, 9000) are for run mode only.
    /// </summary>
    [Fact]
    public void Published_services_name_no_port_and_their_public_endpoints_are_http()
    {
        foreach (var service in CodeNames.Services)
        {
            foreach (var binding in _resources.GetProperty(service).GetProperty("bindings").EnumerateObject())
            {
                Assert.False(binding.Value.TryGetProperty("port", out var port), $"{service}'s {binding.Name} binding is published with port {port}");
                if (binding.Value.TryGetProperty("external", out var external) && external.GetBoolean())
                {
                    // http and https alike reach the app as plain HTTP behind the ingress, which terminates TLS.
                    Assert.Contains(binding.Value.GetProperty("scheme").GetString(), new[] { "http", "https" });
                    Assert.Equal("http", binding.Value.GetProperty("transport").GetString());
                }
            }
        }
    }

    /// <summary>
    /// The log, the channels' positions and recent history (Redis), the stored history and its
    /// durable maximum (PostgreSQL) and the Kafka log must outlive a container's restart, or
    /// offsets repeat and acknowledged publications vanish.
    /// </summary>
    [Theory]
    [InlineData(ServiceNames.Redis, "/data")]
    [InlineData("postgres", "/var/lib/postgresql")] // PostgreSQL 18's images keep PGDATA in a versioned directory below it
    [InlineData(ServiceNames.Kafka, "/var/lib/kafka/data")]
    public void Every_store_keeps_its_data_in_a_volume(string store, string dataDirectory)
    {
        var resource = _resources.GetProperty(store);
        Assert.True(resource.TryGetProperty("volumes", out var volumes), $"{store} has no volumes");
        var volume = Assert.Single(volumes.EnumerateArray(), v => v.GetProperty("target").GetString() == dataDirectory);
        Assert.False(volume.TryGetProperty("readOnly", out var readOnly) && readOnly.GetBoolean());
        Assert.False(string.IsNullOrEmpty(volume.GetProperty("name").GetString()), $"{store}'s volume has no name (an anonymous volume is not kept)");
        if (store == ServiceNames.Kafka)
        {
            Assert.Equal(dataDirectory, resource.GetProperty("env").GetProperty("KAFKA_LOG_DIRS").GetString());
        }
    }

    /// <summary>
    /// Aspire creates a database only for a container it runs itself; deployed, the PostgreSQL
    /// image must create the one history connects to, or history never gets past its schema.
    /// </summary>
    [Fact]
    public void The_published_postgres_creates_the_history_database()
    {
        var connectionString = _resources.GetProperty(ServiceNames.HistoryDatabase).GetProperty("connectionString").GetString()!;
        // "{postgres.connectionString};Database=historydb": the reference is no key=value pair.
        var database = connectionString.Split(';').Single(part => part.StartsWith("Database=", StringComparison.Ordinal))["Database=".Length..];

        Assert.Equal(ServiceNames.HistoryDatabase, database);
        Assert.Equal(database, _resources.GetProperty("postgres").GetProperty("env").GetProperty("POSTGRES_DB").GetString());
    }

    /// <summary>Snapshots lose the writes since the last one; the guarantees assume the append-only file, as the Kubernetes statefulset has it.</summary>
    [Fact]
    public void Redis_is_published_with_its_append_only_file_and_without_eviction()
    {
        var redis = _resources.GetProperty(ServiceNames.Redis);
        var command = string.Join(' ', redis.GetProperty("args").EnumerateArray().Select(a => a.GetString()));

        Assert.Contains("redis-server", command, StringComparison.Ordinal);
        Assert.Contains("--appendonly yes", command, StringComparison.Ordinal);
        Assert.Contains("--maxmemory-policy noeviction", command, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_mode_conveniences_are_not_published()
    {
        // RunModeServices in AppHost/appsettings.json: anonymous access, localhost origins, the
        // development token key and API key. The AppHost forwards them only when it runs locally.
        var runMode = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryPaths.Root, "AppHost", "appsettings.json"), optional: false)
            .Build()
            .GetSection("RunModeServices")
            .AsEnumerable(makePathsRelative: true)
            .Where(e => e.Value is not null)
            .Select(e => (Key: CodeNames.EnvironmentKey(e.Key), Value: e.Value!))
            .ToList();
        Assert.NotEmpty(runMode);
        Assert.Contains(runMode, e => e.Key == CodeNames.AllowAnonymousKey);

        foreach (var resource in _resources.EnumerateObject())
        {
            if (!resource.Value.TryGetProperty("env", out var environment))
            {
                continue;
            }

            foreach (var (key, value) in runMode)
            {
                Assert.False(environment.TryGetProperty(key, out var published) && string.Equals(published.GetString(), value, StringComparison.OrdinalIgnoreCase),
                    $"{resource.Name} is published with the run-mode setting {key}={value}");
            }

            // Nor may a deployment open the gateway to anonymous clients by another route.
            if (environment.TryGetProperty(CodeNames.AllowAnonymousKey, out var anonymous))
            {
                Assert.False(bool.Parse(anonymous.GetString()!), $"{resource.Name} allows anonymous clients");
            }
        }

        // The development keys and origins appear nowhere, under any name (flags and numbers,
        // such as the trace sample ratio, are too short to search for and are no secrets).
        var text = _resources.GetRawText();
        Assert.All(runMode.Where(e => !bool.TryParse(e.Value, out _) && !double.TryParse(e.Value, System.Globalization.CultureInfo.InvariantCulture, out _)),
            e => Assert.DoesNotContain(e.Value, text, StringComparison.Ordinal));
    }
}
