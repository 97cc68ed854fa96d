using System.Data.Common;
using k8s.Models;
using Realtime.Contracts;
using Realtime.Infra.Tests.Models;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>
/// The development overlay's connection strings and scaler addresses point at the backing
/// services of infra/backing, with the same credentials.
/// </summary>
public sealed class BackingServiceTests
{
    private const string DevOverlay = "infra/k8s/overlays/dev";

    [Fact]
    public async Task Redis_connection_string_scaler_and_password_match_the_backing_redis()
    {
        var app = await Manifests.RenderAsync(DevOverlay);
        var backing = await Manifests.RenderAsync("infra/backing/dev");
        var service = backing.Named<V1Service>("redis");
        var address = $"{service.Metadata.Name}.{service.Metadata.NamespaceProperty}.svc:{service.Spec.Ports.Single().Port}";
        var password = backing.SecretValue(Password(backing.Named<V1StatefulSet>("redis")));
        var connectionString = SecretValue(app, ServiceNames.Redis);
        var options = StackExchange.Redis.ConfigurationOptions.Parse(connectionString);

        Assert.Equal(address, options.EndPoints.Single().ToString()?.Replace("Unspecified/", "", StringComparison.Ordinal));
        Assert.Equal(password, options.Password);
        Assert.Equal(password, SecretValue(app, "redis-password"));
        Assert.All(app.All<ScaledObject>().SelectMany(s => s.Spec.Triggers).Where(t => t.Type == "redis-streams"),
            t => Assert.Equal(address, t.Metadata["address"]));
    }

    [Fact]
    public async Task Redis_keeps_what_the_log_and_offsets_need()
    {
        var redis = (await Manifests.RenderAsync("infra/backing/dev")).Named<V1StatefulSet>("redis").Spec.Template.Spec.Containers.Single();
        var args = string.Join(' ', redis.Args);

        // XINFO GROUPS lag (KEDA's lagCount) needs Redis 7; evicting offsets or streams would lose data.
        Assert.True(int.Parse(redis.Image.Split(':')[1].Split('.')[0], System.Globalization.CultureInfo.InvariantCulture) >= 7, redis.Image);
        Assert.Contains("--maxmemory-policy noeviction", args, StringComparison.Ordinal);
        Assert.Contains("--appendonly yes", args, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_database_connection_string_matches_the_postgres_cluster()
    {
        var app = await Manifests.RenderAsync(DevOverlay);
        var backing = await Manifests.RenderAsync("infra/backing/dev");
        var cluster = backing.All<PostgresCluster>().Single();
        var owner = backing.Named<V1Secret>(cluster.Spec.Bootstrap.Initdb.Secret!.Name);
        var connection = new DbConnectionStringBuilder { ConnectionString = SecretValue(app, ServiceNames.HistoryDatabase) };

        Assert.Equal(cluster.ReadWriteHost, connection["Host"]);
        Assert.Equal("5432", connection["Port"]);
        Assert.Equal(cluster.Spec.Bootstrap.Initdb.Database, connection["Database"]);
        Assert.Equal(cluster.Spec.Bootstrap.Initdb.Owner, connection["Username"]);
        Assert.Equal(cluster.Spec.Bootstrap.Initdb.Owner, backing.SecretValue(new V1SecretKeySelector { Name = owner.Metadata.Name, Key = "username" }));
        Assert.Equal(backing.SecretValue(new V1SecretKeySelector { Name = owner.Metadata.Name, Key = "password" }), connection["Password"]);
    }

    [Fact]
    public async Task Backing_services_live_where_the_connection_strings_point()
    {
        var backing = await Manifests.RenderAsync("infra/backing/dev");

        Assert.Equal("realtime-backing", backing.All<V1Namespace>().Single().Metadata.Name);
        Assert.All(backing.Objects.OfType<k8s.IKubernetesObject<V1ObjectMeta>>().Where(o => o is not V1Namespace),
            o => Assert.Equal("realtime-backing", o.Metadata.NamespaceProperty));
    }

    private static string SecretValue(RenderedManifests manifests, string key) =>
        manifests.SecretValue(new V1SecretKeySelector { Name = "realtime-backing", Key = key })
        ?? throw new Xunit.Sdk.XunitException($"realtime-backing has no {key}");

    private static V1SecretKeySelector Password(V1StatefulSet redis) =>
        redis.Spec.Template.Spec.Containers.Single().Env.Single(e => e.Name == "REDIS_PASSWORD").ValueFrom.SecretKeyRef;
}
