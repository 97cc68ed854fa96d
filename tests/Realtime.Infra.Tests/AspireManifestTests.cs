using System.Text.Json;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;
using Realtime.Messaging.Log;

namespace Realtime.Infra.Tests;

/// <summary>
/// azd deploys what the AppHost's deployment manifest describes, so the manifest must be producible
/// here (no container engine is needed to write it) and describe the four services.
/// </summary>
public sealed class AspireManifestTests
{
    [Fact]
    public async Task The_apphost_writes_a_deployment_manifest_with_the_four_services()
    {
        var output = Directory.CreateTempSubdirectory("realtime-manifest-");
        try
        {
            var manifestPath = Path.Combine(output.FullName, "aspire-manifest.json");
            // The same command azd runs; Aspire 13 also offers it as `aspire do publish-manifest`.
            var result = await ProcessRunner.RunAsync("dotnet",
                ["run", "--project", "AppHost/Realtime.AppHost.csproj", "--", "--publisher", "manifest", "--output-path", manifestPath],
                RepositoryPaths.Root, TimeSpan.FromMinutes(8),
                new Dictionary<string, string?>
                {
                    // Describe the container branch (what a cloud runs), whatever this machine has.
                    ["Infrastructure__Mode"] = "containers",
                    ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                });
            Assert.True(result.ExitCode == 0, $"manifest publisher failed ({result.ExitCode}): {result.Error}\n{result.Output}");

            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath));
            var resources = manifest.RootElement.GetProperty("resources");
            foreach (var service in CodeNames.Services)
            {
                var resource = resources.GetProperty(service);
                Assert.Equal("project.v0", resource.GetProperty("type").GetString());
                var environment = resource.GetProperty("env");
                Assert.True(Enum.TryParse<LogTransport>(environment.GetProperty(CodeNames.TransportKey).GetString(), out _));
                foreach (var name in CodeNames.ConnectionStringsByService[service])
                {
                    Assert.True(environment.TryGetProperty(CodeNames.ConnectionStringKey(name), out _), $"{service} lacks {name}");
                }
            }
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}
