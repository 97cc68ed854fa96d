using System.Text.Json;

namespace Realtime.Infra.Tests.Support;

/// <summary>
/// The AppHost's deployment manifest, written once for the tests that read it (the manifest
/// tests and the compose tests), with the command azd runs.
/// </summary>
public sealed class PublishedManifest : IAsyncLifetime
{
    public const string Collection = "published manifest";

    private JsonDocument? _document;

    public JsonElement Resources => _document!.RootElement.GetProperty("resources");

    public async Task InitializeAsync()
    {
        var output = Directory.CreateTempSubdirectory("realtime-manifest-");
        try
        {
            var manifestPath = Path.Combine(output.FullName, "aspire-manifest.json");
            // Aspire 13 also offers it as `aspire do publish-manifest`.
            // In the configuration these tests were built in, which the test command has built
            // already: a plain `dotnet run` would build the AppHost and every service in Debug
            // first, a minute and more on a fresh clone.
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var result = await ProcessRunner.RunAsync("dotnet",
                ["run", "-c", configuration, "--project", "AppHost/Realtime.AppHost.csproj", "--", "--publisher", "manifest", "--output-path", manifestPath],
                RepositoryPaths.Root, TimeSpan.FromMinutes(8),
                new Dictionary<string, string?>
                {
                    // Local programs in run mode; publishing must describe containers regardless.
                    ["Infrastructure__Mode"] = "local",
                    ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                });
            Assert.True(result.ExitCode == 0, $"manifest publisher failed ({result.ExitCode}): {result.Error}\n{result.Output}");
            _document = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    public Task DisposeAsync()
    {
        _document?.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(PublishedManifest.Collection)]
public sealed class PublishedManifestCollection : ICollectionFixture<PublishedManifest>;
