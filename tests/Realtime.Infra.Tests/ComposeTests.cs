using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Realtime.Contracts;
using Realtime.Infra.Tests.Models;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>
/// infra/compose is kept by hand (the Aspire packages served here cannot publish Compose), so it
/// is checked against the AppHost's own deployment manifest: the same services and images, the
/// environment names the AppHost gives each service, the stores' volumes and settings. What is
/// checked is what docker-compose itself renders from the file (anchors, merges and variables
/// resolved), as the Kubernetes tests check what kustomize renders.
/// </summary>
[Collection(PublishedManifest.Collection)]
public sealed partial class ComposeTests(PublishedManifest published)
{
    private static readonly string ComposeFilePath = Path.Combine(RepositoryPaths.Compose, "compose.yaml");
    private static readonly string EnvExample = Path.Combine(RepositoryPaths.Compose, ".env.example");
    private static readonly Lazy<Task<ComposeFile>> Rendered = new(() => RenderAsync(EnvExample));

    private JsonElement Resources => published.Resources;

    [Fact]
    public async Task Compose_runs_the_apphosts_stores_with_the_same_images_volumes_and_settings()
    {
        var compose = await Rendered.Value;

        foreach (var store in Resources.EnumerateObject().Where(r => r.Value.GetProperty("type").GetString() == "container.v0"))
        {
            var service = compose.Services[store.Name];
            Assert.Equal(store.Value.GetProperty("image").GetString(), service.Image);
            foreach (var volume in store.Value.GetProperty("volumes").EnumerateArray())
            {
                var name = volume.GetProperty("name").GetString()!;
                Assert.Equal(name, service.VolumeAt(volume.GetProperty("target").GetString()!));
                Assert.Contains(name, compose.Volumes.Keys);
            }

            foreach (var variable in store.Value.GetProperty("env").EnumerateObject())
            {
                Assert.True(service.Environment.TryGetValue(variable.Name, out var value), $"{store.Name} lacks {variable.Name}");
                AssertSameUnlessReference(variable.Value.GetString()!, value, $"{store.Name}: {variable.Name}");
            }

            Assert.NotNull(service.Healthcheck);
        }

        // Redis with its append-only file and no eviction, by the very command the AppHost publishes.
        var redisCommand = string.Join(' ', Resources.GetProperty(ServiceNames.Redis).GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(redisCommand, string.Join(' ', compose.Services[ServiceNames.Redis].Entrypoint.Skip(1)).Replace("\"$$REDIS_PASSWORD\"", "$REDIS_PASSWORD", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_service_runs_its_image_and_the_gateway_runs_twice()
    {
        var compose = await Rendered.Value;

        foreach (var service in CodeNames.Services)
        {
            Assert.Equal("project.v0", Resources.GetProperty(service).GetProperty("type").GetString());
            var instances = InstancesOf(compose, service);
            Assert.InRange(instances.Count, service == ServiceNames.Connection ? 2 : 1, service == ServiceNames.Connection ? int.MaxValue : 1);
            Assert.All(instances, instance =>
            {
                Assert.Equal(service, instance.Value.Environment["OTEL_SERVICE_NAME"]);
                Assert.True(instance.Value.ReadOnly, $"{instance.Key} has a writable root filesystem");
            });
        }

        var nodeNames = InstancesOf(compose, ServiceNames.Connection).Select(i => i.Value.Environment["Gateway__NodeName"]).ToList();
        Assert.Equal(nodeNames.Count, nodeNames.Distinct().Count());
    }

    /// <summary>
    /// The AppHost's environment names reach every instance with the AppHost's values (channel
    /// namespaces included); what compose adds is what the Kubernetes production overlay also
    /// sets for that service, or the OTLP exporter. Aspire's per-reference extras (REDIS_HOST,
    /// HISTORY_HTTPS …) are not read by the services and are left out.
    /// </summary>
    [Fact]
    public async Task Every_service_gets_the_environment_the_apphost_gives_it()
    {
        var compose = await Rendered.Value;
        var prod = await Manifests.RenderAsync("infra/k8s/overlays/prod");

        foreach (var service in CodeNames.Services)
        {
            var published = Resources.GetProperty(service).GetProperty("env").EnumerateObject()
                .Where(e => !IsAspireReferenceExtra(e.Name)).ToDictionary(e => e.Name, e => e.Value.GetString()!);
            var deployed = prod.Environment(service).Keys.ToHashSet();
            foreach (var (name, instance) in InstancesOf(compose, service))
            {
                foreach (var (variable, value) in published)
                {
                    Assert.True(instance.Environment.TryGetValue(variable, out var actual), $"{name} lacks {variable}");
                    AssertSameUnlessReference(value, actual, $"{name}: {variable}");
                }

                var extras = instance.Environment.Keys.Except(published.Keys).Where(v => !deployed.Contains(v) && !v.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal));
                Assert.True(!extras.Any(), $"{name} sets what neither the AppHost nor the Kubernetes overlay does: {string.Join(", ", extras)}");
            }
        }
    }

    /// <summary>
    /// Secrets come from the .env file, never from compose.yaml: rendered with an env file of
    /// sentinels, every secret setting (and the stores' passwords) carries one; and .env.example
    /// names every variable compose.yaml reads.
    /// </summary>
    [Fact]
    public async Task Secrets_come_from_the_env_file_and_the_example_names_them_all()
    {
        var variables = VariableReference().Matches(await File.ReadAllTextAsync(ComposeFilePath)).Select(m => m.Groups[1].Value).ToHashSet();
        var example = (await File.ReadAllLinesAsync(EnvExample)).Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#')).Select(l => l.Split('=')[0]).ToHashSet();
        Assert.Equal(variables.Order(), example.Where(v => !v.StartsWith("COMPOSE_", StringComparison.Ordinal)).Order());

        var sentinels = Directory.CreateTempSubdirectory("realtime-compose-");
        try
        {
            var envFile = Path.Combine(sentinels.FullName, ".env");
            await File.WriteAllLinesAsync(envFile, variables.Select(v => $"{v}=sentinel-{v}"));
            var compose = await RenderAsync(envFile);
            var secrets = compose.Services.Values.SelectMany(s => s.Environment).Where(e => CodeNames.SecretSettings.Contains(e.Key)).ToList();

            Assert.Contains(secrets, s => s.Key == CodeNames.ServerApiKeySetting);
            Assert.All(secrets, s => Assert.StartsWith("sentinel-", s.Value, StringComparison.Ordinal));
            Assert.All(compose.Services.Values.SelectMany(s => s.Environment).Where(e => e.Key.EndsWith("PASSWORD", StringComparison.Ordinal) || e.Key.StartsWith("ConnectionStrings__redis", StringComparison.Ordinal) || e.Key.StartsWith("ConnectionStrings__historydb", StringComparison.Ordinal)),
                e => Assert.Contains("sentinel-", e.Value, StringComparison.Ordinal));
        }
        finally
        {
            sentinels.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The proxy publishes the client transports (to every gateway) and the server API (to
    /// fanout, on the loopback interface only), without buffering or timing out long-lived
    /// streams; health and metrics stay inside.
    /// </summary>
    [Fact]
    public async Task The_proxy_publishes_the_client_paths_and_the_server_api_and_nothing_else()
    {
        var compose = await Rendered.Value;
        var nginx = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Compose, "nginx.conf"));
        var proxy = compose.Services["proxy"];

        Assert.Equal(new[] { ":8000:8000", "127.0.0.1:9000:9000" }.Order(), proxy.PublishedPorts().Order());
        Assert.Contains(proxy.Volumes, v => v.EndsWith("/nginx.conf:/etc/nginx/nginx.conf:ro", StringComparison.Ordinal));

        var gateways = InstancesOf(compose, ServiceNames.Connection).Select(i => $"{i.Key}:{i.Value.Environment["HTTP_PORTS"]}").Order();
        Assert.Equal(gateways, UpstreamServers(nginx, "gateways").Order());
        Assert.Equal([$"{ServiceNames.Fanout}:{compose.Services[ServiceNames.Fanout].Environment["HTTP_PORTS"]}"], UpstreamServers(nginx, "server_api"));

        var exact = ExactLocation().Matches(nginx).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.Equal(CodeNames.ClientPaths.Order(), exact.Keys.Order());
        Assert.All(exact.Values, target => Assert.Equal("http://gateways", target));
        Assert.Contains($"location {CodeNames.ServerApiPrefix}/ {{\n      proxy_pass http://server_api;", nginx, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(nginx, @"location / \{\s+return 404;"));

        Assert.Contains("proxy_set_header Upgrade $http_upgrade;", nginx, StringComparison.Ordinal);
        Assert.Contains("proxy_buffering off;", nginx, StringComparison.Ordinal);
        Assert.All(new[] { "proxy_read_timeout", "proxy_send_timeout" }, directive =>
            Assert.InRange(int.Parse(Regex.Match(nginx, directive + @" (\d+)s;").Groups[1].Value, CultureInfo.InvariantCulture), 3600, int.MaxValue));
    }

    /// <summary>Telemetry goes to the dashboard of the Aspire version the AppHost is built with.</summary>
    [Fact]
    public async Task Services_send_telemetry_to_the_dashboard_of_the_apphosts_aspire()
    {
        var compose = await Rendered.Value;
        var props = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "Directory.Packages.props"));
        var aspire = Version.Parse(Regex.Match(props, "Include=\"Aspire.Hosting.AppHost\" Version=\"([^\"]+)\"").Groups[1].Value);

        Assert.Equal($"mcr.microsoft.com/dotnet/aspire-dashboard:{aspire.Major}.{aspire.Minor}", compose.Services["dashboard"].Image);
        Assert.All(CodeNames.Services.SelectMany(s => InstancesOf(compose, s)),
            instance => Assert.Equal("http://dashboard:18889", instance.Value.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"]));
        Assert.Equal(["127.0.0.1:18888:18888"], compose.Services["dashboard"].PublishedPorts());
    }

    private static List<KeyValuePair<string, ComposeService>> InstancesOf(ComposeFile compose, string service) =>
        compose.Services.Where(s => s.Value.Image.Split('/')[^1].Split(':')[0] == CodeNames.Image(service)).ToList();

    private static IEnumerable<string> UpstreamServers(string nginx, string upstream) =>
        Regex.Match(nginx, $@"upstream {upstream} \{{(?<body>[^}}]*)\}}").Groups["body"].Value
            .Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("server ", StringComparison.Ordinal))
            .Select(l => l["server ".Length..].TrimEnd(';').Split(' ')[0]);

    /// <summary>A manifest value with a reference ("{redis.connectionString}") is the deployment's to fill; a literal must match.</summary>
    private static void AssertSameUnlessReference(string published, string? actual, string what)
    {
        if (!published.Contains('{', StringComparison.Ordinal))
        {
            Assert.True(published == actual, $"{what}: the AppHost publishes '{published}', compose sets '{actual}'");
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(actual), $"{what} is empty");
        }
    }

    /// <summary>Aspire adds, for each reference, variables our services do not read (REDIS_HOST, HISTORYDB_URI, PRESENCE_HTTP, the https endpoints).</summary>
    private static bool IsAspireReferenceExtra(string name) =>
        AspireReferenceExtra().IsMatch(name) || (name.StartsWith("services__", StringComparison.Ordinal) && name.EndsWith("__https__0", StringComparison.Ordinal));

    private static async Task<ComposeFile> RenderAsync(string envFile)
    {
        var result = await ProcessRunner.RunAsync("docker-compose",
            ["--project-directory", RepositoryPaths.Compose, "--env-file", envFile, "-f", ComposeFilePath, "config"],
            RepositoryPaths.Compose, TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, $"docker-compose config failed: {result.Error}");
        return ComposeFile.Parse(result.Output);
    }

    [GeneratedRegex(@"\$\{([A-Z_]+)[:}]")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"location = (\S+)\s+\{ proxy_pass (\S+); \}")]
    private static partial Regex ExactLocation();

    [GeneratedRegex("^[A-Z0-9]+_(HOST|PORT|PASSWORD|URI|USERNAME|JDBCCONNECTIONSTRING|DATABASENAME|HTTP|HTTPS)$")]
    private static partial Regex AspireReferenceExtra();
}
