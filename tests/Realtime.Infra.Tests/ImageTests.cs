using System.Text.Json;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>
/// `dotnet publish /t:PublishContainer` names each image after its project's ContainerRepository,
/// the name the Deployments run (WorkloadShapeTests): asked of MSBuild itself, so an override in
/// a props file or a misspelt property would show.
/// </summary>
public sealed class ImageTests
{
    public static TheoryData<string> Services() => new(CodeNames.Services);

    [Theory]
    [MemberData(nameof(Services))]
    public async Task The_project_publishes_the_image_the_manifests_run(string service)
    {
        var result = await ProcessRunner.RunAsync("dotnet",
            ["msbuild", CodeNames.Project(service), "-getProperty:ContainerRepository", "-getProperty:IsPublishable"],
            RepositoryPaths.Root, TimeSpan.FromMinutes(2),
            new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });
        Assert.True(result.ExitCode == 0, $"dotnet msbuild failed: {result.Error}\n{result.Output}");

        using var evaluated = JsonDocument.Parse(result.Output);
        var properties = evaluated.RootElement.GetProperty("Properties");
        Assert.Equal($"realtime-{service}", properties.GetProperty("ContainerRepository").GetString());
        Assert.Equal(CodeNames.Image(service), properties.GetProperty("ContainerRepository").GetString());
        Assert.NotEqual("false", properties.GetProperty("IsPublishable").GetString());
    }
}
