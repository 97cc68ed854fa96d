using k8s.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Realtime.Contracts;
using Realtime.Fanout.ServerApi;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>
/// Token keys and the server API key reach the services from Secrets only, each service gets only
/// the secrets it uses, development switches stay off, and the server API accepts the key the way
/// the guide tells callers to send it.
/// </summary>
public sealed class SecretsAndServerApiTests
{
    /// <summary>The header infra/README.md tells server API callers to use (ApiKeyCheck reads it; the code has no constant).</summary>
    private const string DocumentedKeyHeader = "X-API-Key";

    public static TheoryData<string> Variants() => new(Manifests.Variants);

    public static TheoryData<string, string> ServicesByVariant() => WorkloadShapeTests.ServicesByVariant();

    [Theory]
    [MemberData(nameof(ServicesByVariant))]
    public async Task Secret_settings_come_from_secrets_and_only_to_the_service_that_reads_them(string variant, string service)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var env = manifests.Container(service).Env ?? [];

        // Never in the ConfigMap, never a literal.
        Assert.All(CodeNames.SecretSettings, key => Assert.False(manifests.Config.Data.ContainsKey(key), $"{key} is in the ConfigMap"));
        foreach (var variable in env.Where(e => CodeNames.SecretSettings.Contains(e.Name)))
        {
            Assert.Null(variable.Value);
            Assert.NotNull(variable.ValueFrom?.SecretKeyRef);
        }

        // Token keys are the gateway's, the server API key is fanout's.
        IEnumerable<string> expected = service switch
        {
            ServiceNames.Connection => CodeNames.ConnectionTokenKeySettings,
            ServiceNames.Fanout => [CodeNames.ServerApiKeySetting],
            _ => [],
        };
        Assert.Equal(expected.Order(), env.Select(e => e.Name).Where(CodeNames.SecretSettings.Contains).Order());
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task The_server_api_key_is_required_and_token_keys_are_optional(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);

        // Without a key the server API refuses every call: a missing Secret must stop the rollout.
        var apiKey = SecretReference(manifests, ServiceNames.Fanout, CodeNames.ServerApiKeySetting);
        Assert.NotEqual(true, apiKey.Optional);
        // The gateway accepts a token any configured key verifies; an operator sets one kind or more.
        Assert.All(CodeNames.ConnectionTokenKeySettings, key => Assert.True(SecretReference(manifests, ServiceNames.Connection, key).Optional));
    }

    [Theory]
    [MemberData(nameof(ServicesByVariant))]
    public async Task Development_switches_stay_off(string variant, string service)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var environment = manifests.Environment(service);

        Assert.False(CodeNames.GatewayOptionsOf(environment).ClientInsecure);
        Assert.False(CodeNames.Bind<ServerApiOptions>(environment, ServerApiOptions.SectionName).Insecure);
        if (variant == "infra/k8s/overlays/prod")
        {
            Assert.False(CodeNames.GatewayOptionsOf(environment).AllowAnonymous, $"{CodeNames.AllowAnonymousKey} in production");
        }
    }

    [Theory]
    [InlineData("header")]
    [InlineData("authorization")]
    public async Task The_server_api_accepts_the_development_key_as_the_guide_sends_it(string how)
    {
        var manifests = await Manifests.RenderAsync("infra/k8s/overlays/dev");
        var key = manifests.Environment(ServiceNames.Fanout)[CodeNames.ServerApiKeySetting];
        Assert.False(string.IsNullOrEmpty(key), "the dev overlay generates no server API key");
        Assert.Contains($"{DocumentedKeyHeader}: {key}", File.ReadAllText(RepositoryPaths.Readme), StringComparison.Ordinal);

        var filter = (IEndpointFilter)Activator.CreateInstance(CodeNames.ServerApiKeyCheck, Options.Create(new ServerApiOptions { ApiKey = key }))!;
        var passed = new object();

        var accepted = new DefaultHttpContext();
        if (how == "header")
        {
            accepted.Request.Headers[DocumentedKeyHeader] = key;
        }
        else
        {
            accepted.Request.Headers.Authorization = $"apikey {key}";
        }

        Assert.Same(passed, await filter.InvokeAsync(new DefaultEndpointFilterInvocationContext(accepted), _ => ValueTask.FromResult<object?>(passed)));

        var refused = new DefaultHttpContext();
        refused.Request.Headers[DocumentedKeyHeader] = key + "-wrong";
        var result = await filter.InvokeAsync(new DefaultEndpointFilterInvocationContext(refused), _ => ValueTask.FromResult<object?>(passed));
        Assert.Equal(StatusCodes.Status401Unauthorized, Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode);
    }

    private static V1SecretKeySelector SecretReference(RenderedManifests manifests, string service, string name) =>
        manifests.Container(service).Env.Single(e => e.Name == name).ValueFrom.SecretKeyRef;
}
