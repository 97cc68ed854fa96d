using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Realtime.Testing;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// The whole system started through the AppHost, with locally installed redis-server and
/// PostgreSQL, shared by the tests of a collection and stopped at the end.
/// </summary>
public sealed class RealtimeAppFixture : IAsyncLifetime
{
    public static readonly string[] Services = ["presence", "history", "fanout", "connection"];

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>The HMAC key the gateways verify tokens with in these tests.</summary>
    public const string TokenSecret = "end-to-end-tests-secret-0123456789-abcdefghijklmnopqrstuvwxyz-0123";

    /// <summary>Outgoing bytes a gateway queues per client before closing it as slow (small, so the slow-reader test is quick).</summary>
    public const int MaxQueuedBytes = 256 * 1024;

    public const string ApiKey = "end-to-end-tests-server-api-key-0123456789";

    public Uri WebSocketEndpoint { get; private set; } = null!;

    public TestTokens Tokens { get; } = new(TokenSecret);

    public ApplicationBackend Backend { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await ApplicationBackend.StartAsync();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Realtime_AppHost>(
            [
                "Infrastructure:Mode=local",
                // Debug detail of the project's own code lands in resource-logs/ for post-mortems.
                "Services:Logging:LogLevel:Realtime=Debug",
                $"RunModeServices:Gateway:Token:HmacSecretKey={TokenSecret}",
                $"RunModeServices:ServerApi:ApiKey={ApiKey}",
                $"RunModeServices:Gateway:Proxy:RpcEndpoint={Backend.RpcEndpoint}",
                $"RunModeServices:Gateway:Proxy:SendEndpoint={Backend.SendEndpoint}",
                // The machine is busy running everything at once; the production default (1 s) is for real backends.
                "RunModeServices:Gateway:Proxy:Timeout=00:00:10",
                $"RunModeServices:Gateway:MaxQueuedBytes={MaxQueuedBytes}",
                // The slow-reader test needs the queue bound, not the write timeout, to end the connection.
                "RunModeServices:Gateway:WriteTimeout=00:01:00",
                // Room for the tests' own fast publishers; the flood test goes well beyond it.
                "RunModeServices:Gateway:CommandRateLimit=5000",
                "RunModeServices:Gateway:CommandBurst=1000",
                // A namespace anyone may publish to without subscribing: the slow-reader test's firehose.
                "Services:Channels:Namespaces:firehose:Presence=true",
                "Services:Channels:Namespaces:firehose:AllowSubscribeForClient=true",
                "Services:Channels:Namespaces:firehose:AllowPublishForClient=true",
                // The slow reader connects anonymously.
                "Services:Channels:Namespaces:firehose:AllowSubscribeForAnonymous=true",
            ],
            (options, _) => options.DisableDashboard = true);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            // No dashboard listens in tests; an exporter with nowhere to send stalls shutdown.
            builder.CreateResourceBuilder(project).WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
        }

        App = await builder.BuildAsync();
        _logs = ResourceLogFiles.Start(App, _stopLogs.Token);
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await App.StartAsync(startup.Token);
        foreach (var service in Services)
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(service, startup.Token);
        }

        var http = App.GetEndpoint("connection", "http");
        WebSocketEndpoint = new UriBuilder(http) { Scheme = "ws", Path = "/connection/websocket" }.Uri;
        await WaitForGatewaysAsync(startup.Token);
        await WaitForBothGatewaysAsync();
    }

    /// <summary>
    /// Until connections have landed on two different gateway nodes, each warmed with a subscribe
    /// and a publish (bounded): before the first test, and after a test restarted a replica it
    /// killed. The first subscribe of a fresh gateway builds its clients of the history and
    /// presence services and compiles their paths, which on a loaded machine took longer than an
    /// SDK's 5 s command timeout and made whichever test ran first fail.
    /// </summary>
    public async Task WaitForBothGatewaysAsync()
    {
        var warmed = new HashSet<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        for (var attempt = 0; warmed.Count < 2; attempt++)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"gateways reached after {attempt} attempts: {string.Join(", ", warmed)}");
            }

            ProtocolTestClient client;
            try
            {
                client = await ProtocolTestClient.ConnectSocketAsync(WebSocketEndpoint);
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
                // A replica still starting (or just killed) behind the shared address.
                await Task.Delay(200);
                continue;
            }

            await using var connected = client;
            var connect = await client.CommandAsync("connect", new { token = Tokens.Connection("warm-up") }, TimeSpan.FromSeconds(30));
            var node = connect["connect"]?["node"]?.GetValue<string>() ?? throw new InvalidOperationException($"warm-up connect failed: {connect}");
            if (!warmed.Add(node))
            {
                continue;
            }

            var channel = $"chat:warm-up-{Guid.NewGuid():N}";
            var timeout = TimeSpan.FromSeconds(30);
            _ = await client.CommandAsync("subscribe", new { channel }, timeout);
            _ = await client.CommandAsync("publish", new { channel, data = new { warm = true } }, timeout);
            _ = await client.NextPublicationAsync(channel, timeout);
        }
    }

    /// <summary>
    /// The AppHost's services have no health checks, so "healthy" above means started, not
    /// listening: a gateway replica takes seconds more. Waits until upgrades succeed several times
    /// in a row (the endpoint spreads them over the replicas), so the first test does not spend
    /// its short-lived tokens on a gateway still starting.
    /// </summary>
    private async Task WaitForGatewaysAsync(CancellationToken cancellationToken)
    {
        for (var inARow = 0; inARow < 8;)
        {
            using var socket = new System.Net.WebSockets.ClientWebSocket();
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                await socket.ConnectAsync(WebSocketEndpoint, attempt.Token);
                inARow++;
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                inARow = 0;
                await Task.Delay(200, cancellationToken);
            }
            finally
            {
                socket.Abort();
            }
        }
    }

    /// <summary>Starts a gateway replica a test killed again, and waits until both nodes accept connections.</summary>
    public async Task StartStoppedGatewayAsync()
    {
        var notifications = App.Services.GetRequiredService<ResourceNotificationService>();
        using var find = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? replica = null;
        var seen = new List<string>();
        try
        {
            await foreach (var update in notifications.WatchAsync(find.Token))
            {
                if (update.Resource.Name != "connection")
                {
                    continue;
                }

                var state = update.Snapshot.State?.Text;
                seen.Add($"{update.ResourceId}: {state}");
                if (state is "Finished" or "Exited" or "FailedToStart" or "Stopped")
                {
                    // DCP has noticed the kill (an exited replica no longer shows its pid; only one was killed).
                    replica = update.ResourceId;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no gateway replica showed as stopped: {string.Join("; ", seen.TakeLast(10))}");
        }

        Assert.NotNull(replica);
        var commands = App.Services.GetRequiredService<ResourceCommandService>();
        var started = await commands.ExecuteCommandAsync(replica, KnownResourceCommands.StartCommand, find.Token);
        Assert.True(started.Success, started.Message);
        await WaitForBothGatewaysAsync();
    }

    private readonly CancellationTokenSource _stopLogs = new();
    private Task _logs = Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
            await _stopLogs.CancelAsync();
            await _logs.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await App.DisposeAsync();
        }

        if (Backend is not null)
        {
            await Backend.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RealtimeAppCollection : ICollectionFixture<RealtimeAppFixture>
{
    public const string Name = "realtime app";
}
