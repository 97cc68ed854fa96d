using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Realtime.Fanout.ServerApi;

namespace Realtime.Fanout.Tests;

public sealed class ServerApiOptionsValidatorTests
{
    private const string GoodKey = "a-server-api-key-of-at-least-32-bytes";

    [Fact]
    public void A_key_shorter_than_32_bytes_is_refused_without_quoting_it()
    {
        var result = Validate(new ServerApiOptions { ApiKey = "short-key" }, Environments.Production);
        Assert.True(result.Failed);
        Assert.DoesNotContain("short-key", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(Validate(new ServerApiOptions { ApiKey = GoodKey }, Environments.Production).Succeeded);
    }

    [Fact]
    public void Insecure_runs_in_development_and_elsewhere_only_with_the_second_switch()
    {
        Assert.True(Validate(new ServerApiOptions { Insecure = true }, Environments.Development).Succeeded);
        Assert.True(Validate(new ServerApiOptions { Insecure = true }, Environments.Production).Failed);
        Assert.True(Validate(new ServerApiOptions { Insecure = true, AllowInsecureOutsideDevelopment = true }, Environments.Production).Succeeded);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(ServerApiOptions options, string environment) =>
        new ServerApiOptionsValidator(new Environment(environment)).Validate(null, options);

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "fanout";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
