using System.Diagnostics;
using System.Text.RegularExpressions;
using Realtime.EndToEnd.Tests.ClientSdk;
using Realtime.Testing;

namespace Realtime.EndToEnd.Tests;

/// <summary>The README's Node example runs as written, against the running system (only its address changed).</summary>
[Collection(RealtimeAppCollection.Name)]
public sealed partial class ReadmeExampleTests(RealtimeAppFixture fixture)
{
    private const string ReadmeAddress = "ws://localhost:8000/connection/websocket";

    [Fact]
    public async Task The_node_example_in_the_readme_runs_as_written()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(ServiceBuild.RepositoryRoot(), "README.md"));
        var example = NodeExample().Match(readme);
        Assert.True(example.Success, "README.md has no ```js example after \"Try it from Node\"");
        var code = example.Groups["code"].Value;
        Assert.Contains(ReadmeAddress, code, StringComparison.Ordinal);

        var directory = CentrifugeSdk.SourceScriptDirectory();
        var script = Path.Combine(directory, $"readme-example-{Guid.NewGuid():N}.mjs");
        await File.WriteAllTextAsync(script, code.Replace(ReadmeAddress, fixture.WebSocketEndpoint.ToString(), StringComparison.Ordinal));
        try
        {
            using var process = Process.Start(new ProcessStartInfo("node", [script])
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"the example did not finish; stdout: {await stdout}; stderr: {await stderr}");
            }

            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}; stderr: {await stderr}");
            Assert.Contains("text: 'hello'", await stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [GeneratedRegex(@"Try it from Node[^\n]*\n+```js\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex NodeExample();
}
