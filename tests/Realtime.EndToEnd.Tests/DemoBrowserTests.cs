using System.Diagnostics;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// The demo application in a real browser (the Debian chromium package driven by Playwright):
/// two people chat across both gateways, see each other online, and a page whose gateway is
/// SIGKILLed reconnects, recovers and shows what was said meanwhile.
/// </summary>
[Collection(RealtimeAppCollection.Name)]
public sealed class DemoBrowserTests(RealtimeAppFixture fixture) : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/lib/chromium/chromium";
    private static readonly float Timeout = 30_000;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Chromium's sandbox refuses to run as root, which CI is.
            Args = ["--no-sandbox"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Fact]
    public async Task Two_people_chat_across_both_gateways_see_each_other_and_a_page_recovers_after_its_gateway_dies()
    {
        var alice = await OpenAsync("alice");
        var bob = await OpenOnAnotherGatewayAsync("bob", alice.Node);

        await SayAsync(alice.Page, "hello from alice");
        await ExpectMessageAsync(bob.Page, "hello from alice");
        await SayAsync(bob.Page, "hi alice");
        await ExpectMessageAsync(alice.Page, "hi alice");
        foreach (var page in new[] { alice.Page, bob.Page })
        {
            await Assertions.Expect(page.Locator("#presence li[data-user='alice']")).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Assertions.Expect(page.Locator("#presence li[data-user='bob']")).ToBeVisibleAsync(new() { Timeout = Timeout });
        }

        // Alice's gateway dies; Bob keeps talking on the other one.
        Process.GetProcessById(PidOf(alice.Node)).Kill();
        try
        {
            for (var i = 1; i <= 3; i++)
            {
                await SayAsync(bob.Page, $"while you were away {i}");
            }

            await Assertions.Expect(alice.Page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = Timeout });
            await Assertions.Expect(alice.Page.Locator("#recovery")).ToHaveTextAsync("recovered", new() { Timeout = Timeout });
            for (var i = 1; i <= 3; i++)
            {
                await ExpectMessageAsync(alice.Page, $"while you were away {i}");
            }

            // Each message once, in order.
            var texts = await alice.Page.Locator("#messages li").AllTextContentsAsync();
            var away = texts.Where(t => t.Contains("while you were away", StringComparison.Ordinal)).ToList();
            Assert.Equal(["bobwhile you were away 1", "bobwhile you were away 2", "bobwhile you were away 3"], away);
        }
        finally
        {
            await fixture.StartStoppedGatewayAsync();
        }

        // Bob leaves: Alice's list follows.
        await bob.Context.CloseAsync();
        await Assertions.Expect(alice.Page.Locator("#presence li[data-user='bob']")).ToHaveCountAsync(0, new() { Timeout = Timeout });
        await alice.Context.CloseAsync();
    }

    private sealed record OpenPage(IBrowserContext Context, IPage Page, string Node);

    /// <summary>Opens the demo in a fresh browser context, signs in, and waits for the connection; the node comes off the wire (the connect reply).</summary>
    private async Task<OpenPage> OpenAsync(string user)
    {
        var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var node = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
        {
            foreach (var line in (frame.Text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (JsonNode.Parse(line)?["connect"]?["node"]?.GetValue<string>() is { } name)
                {
                    node.TrySetResult(name);
                }
            }
        };
        await page.GotoAsync(fixture.App.GetEndpoint("demo", "http").ToString());
        await page.FillAsync("#login-name", user);
        await page.ClickAsync("#login-button");
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = Timeout });
        return new OpenPage(context, page, await node.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>The shared address spreads connections over both gateways; reopen until one lands on the other node (bounded).</summary>
    private async Task<OpenPage> OpenOnAnotherGatewayAsync(string user, string notOn)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var opened = await OpenAsync(user);
            if (opened.Node != notOn)
            {
                return opened;
            }

            await opened.Context.CloseAsync();
        }

        throw new InvalidOperationException("ten pages all landed on the first page's gateway");
    }

    private static async Task SayAsync(IPage page, string text)
    {
        await page.FillAsync("#message-input", text);
        await page.ClickAsync("#send-button");
    }

    private static Task ExpectMessageAsync(IPage page, string text) =>
        Assertions.Expect(page.Locator("#messages li", new() { HasText = text })).ToHaveCountAsync(1, new() { Timeout = Timeout });

    /// <summary>A gateway's node name is "{machine}-{pid}" unless configured.</summary>
    private static int PidOf(string node) => int.Parse(node[(node.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
}
