using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Realtime.Testing;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// The walkthrough's picture (docs/walkthrough-one-message.md): the AppHost with its dashboard,
/// one chat message published, and its trace opened in the dashboard as a new user would —
/// checked for the steps the walkthrough names, and photographed (docs/images/one-message-trace.png
/// when RT_UPDATE_DOCS_IMAGES=1).
/// </summary>
public sealed class WalkthroughTraceTests : IAsyncLifetime
{
    private static readonly float Timeout = 60_000;
    private DistributedApplication _app = null!;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Realtime_AppHost>(
            [
                "Infrastructure:Mode=local",
                $"ASPNETCORE_URLS=http://127.0.0.1:{FreePort.Next()}",
                $"ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:{FreePort.Next()}",
                $"ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:{FreePort.Next()}",
                "ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
                // A test browser has no login token to paste.
                "ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
            ],
            (options, _) => options.DisableDashboard = false);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        _app = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await _app.StartAsync(startup.Token);
        foreach (var service in RealtimeAppFixture.Services)
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(service, startup.Token);
        }
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task One_chat_message_reads_in_the_dashboard_as_the_walkthrough_tells_it()
    {
        var endpoint = new UriBuilder(_app.GetEndpoint("connection", "http")) { Scheme = "ws", Path = "/connection/websocket" }.Uri;
        var channel = $"chat:walkthrough-{Guid.NewGuid():N}";
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await using var client = await ProtocolTestClient.ConnectSocketAsync(endpoint);
                await client.CommandAsync("connect", new { }, TimeSpan.FromSeconds(30));
                await client.CommandAsync("subscribe", new { channel }, TimeSpan.FromSeconds(30));
                await client.CommandAsync("publish", new { channel, data = new { text = "hi" } }, TimeSpan.FromSeconds(30));
                await client.NextPublicationAsync(channel, TimeSpan.FromSeconds(30));
                return true;
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
                // A gateway replica still starting behind the shared address.
                return false;
            }
        }, TimeSpan.FromMinutes(2), "a chat message published and delivered");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/lib/chromium/chromium",
            Headless = true,
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        // The dashboard is a resource of the app model like any other.
        var dashboard = _app.GetEndpoint("aspire-dashboard", "http");
        await page.GotoAsync(new Uri(dashboard, "/traces").ToString());

        // The traces list: the message's trace is a "publish" trace of the gateway; open it.
        var publish = page.GetByText("connection: publish").First;
        await Assertions.Expect(publish).ToBeVisibleAsync(new() { Timeout = Timeout });
        await publish.ClickAsync();

        // The dashboard shows the log append as "MSG redis realtime.publications", history's inserts as "postgresql".
        foreach (var step in new[] { "realtime.publications", "process realtime.publications", "deliver", "process realtime.sequenced", "postgresql" })
        {
            await Assertions.Expect(page.GetByText(step).First).ToBeVisibleAsync(new() { Timeout = Timeout });
        }

        // Into docs/images when asked to refresh the documentation's picture, else beside the test output.
        var images = Directory.CreateDirectory(Environment.GetEnvironmentVariable("RT_UPDATE_DOCS_IMAGES") == "1"
            ? Path.Combine(ServiceBuild.RepositoryRoot(), "docs", "images")
            : Path.Combine(AppContext.BaseDirectory, "docs-images"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(images.FullName, "one-message-trace.png"), FullPage = true });
    }
}
