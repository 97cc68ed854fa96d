using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Realtime.EndToEnd.Tests.ClientSdk;

/// <summary>Runs one scenario of <c>js/scenarios.mjs</c> (the official centrifuge SDK) and returns what it observed.</summary>
public static class CentrifugeSdk
{
    private static readonly string ScriptDirectory = Path.Combine(AppContext.BaseDirectory, "ClientSdk", "js");

    /// <param name="scenario">The scenario's name in <c>scenarios.mjs</c>.</param>
    /// <param name="webSocket">The gateway's WebSocket address.</param>
    /// <param name="args">The scenario's arguments, passed to it as JSON.</param>
    /// <param name="timeout">How long the scenario may run (a default when null).</param>
    /// <param name="format">"json" (the SDK's default build) or "protobuf" (its Protobuf build: binary frames).</param>
    /// <param name="transport">"websocket", or the SDK's emulated transports "http_stream" and "sse" (same address).</param>
    public static async Task<JsonObject> RunAsync(string scenario, Uri webSocket, object args, TimeSpan? timeout = null, string format = "json", string transport = "websocket")
    {
        using var process = Process.Start(new ProcessStartInfo("node", ["scenarios.mjs", scenario])
        {
            WorkingDirectory = SourceScriptDirectory(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["RT_URL"] = webSocket.ToString(), ["RT_ARGS"] = JsonSerializer.Serialize(args), ["RT_FORMAT"] = format, ["RT_TRANSPORT"] = transport },
        }) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scenario {scenario} did not finish; stderr: {await stderr}");
        }

        var lastLine = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"scenario {scenario} printed nothing; stderr: {await stderr}");
        var result = JsonNode.Parse(lastLine)!.AsObject();
        if (result["ok"]?.GetValue<bool>() != true)
        {
            throw new InvalidOperationException($"scenario {scenario} failed: {result["error"]} (code {result["code"]}); what the clients saw: {result["made"]?.ToJsonString()}; stderr: {await stderr}");
        }

        return result;
    }

    /// <summary>
    /// The scripts run from the source tree, where <c>npm ci</c> installed the SDK (the test
    /// prerequisites do that); the build output only records where that is.
    /// </summary>
    internal static string SourceScriptDirectory()
    {
        var marker = Path.Combine(ScriptDirectory, "source-directory.txt");
        return File.Exists(marker) ? File.ReadAllText(marker).Trim() : ScriptDirectory;
    }
}
