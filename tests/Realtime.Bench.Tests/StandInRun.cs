using Realtime.Bench.Clients;
using Realtime.Bench.Measurement;
using Realtime.Bench.Scenarios;
using Realtime.Bench.SystemUnderTest;
using Realtime.Bench.Tests.StandIn;
using Realtime.Testing;

namespace Realtime.Bench.Tests;

/// <summary>
/// The bench's own machinery (an external system, a scenario context, a publishing run with its
/// clients and ledger) pointed at a stand-in server, its clients connected and subscribed.
/// </summary>
internal sealed class StandInRun : IAsyncDisposable
{
    public const int Size = 128;

    /// <summary>Bounds every wait; on loopback everything takes milliseconds.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private StandInRun(StandInServer server, PublishingRun run)
    {
        Server = server;
        Run = run;
    }

    public StandInServer Server { get; }

    public PublishingRun Run { get; }

    public DeliveryLedger Ledger => Run.Observer.Ledger;

    /// <summary>The IM scenario's shape: pairs on channels of their own, both ends publishing, one gateway.</summary>
    public static ClientLayout Pairs(int clients) => ClientLayout.Pairs(LocalSystem.ChatNamespace, "pair", clients, gateways: 1, publish: true);

    public static async Task<StandInRun> StartAsync(ClientLayout layout, ServerBehaviour behaviour)
    {
        var server = await StandInServer.StartAsync(behaviour);
        var system = new ExternalSystem([server.Endpoint], watched: [], tokenSecret: null);
        var context = new ScenarioContext(system, new SourceAddresses(1), TextWriter.Null);
        var standIn = new StandInRun(server, new PublishingRun(context, layout, Size));
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await standIn.Run.ConnectAllAsync(timeout.Token);
            return standIn;
        }
        catch
        {
            await standIn.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Every publisher publishes <paramref name="rounds"/> times, interleaved the way the pacer
    /// interleaves them, but an exact number of times where the pacer's count depends on the clock.
    /// </summary>
    public void PublishRounds(int rounds)
    {
        var publishers = Run.Layout.Publishers();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var index in publishers)
            {
                Run.Client(index)!.Publish(Size, Run.Observer.PublisherOf(index)!.NextSequence());
            }
        }
    }

    /// <summary>
    /// Waits until the bench has booked every publish reply and every push the stand-in wrote.
    /// Loopback TCP loses nothing, so what is then missing is exactly what the stand-in withheld.
    /// </summary>
    public Task WaitUntilEverythingWrittenArrivedAsync() => Eventually.TrueAsync(
        () => Task.FromResult(Ledger.Count().Unanswered == 0 && PushesBooked() == Server.PushesWritten),
        Timeout,
        "every reply and every push the stand-in wrote to reach the bench");

    /// <summary>The subscriber track of each client (every client of a pairs layout subscribes).</summary>
    public IEnumerable<SubscriberTrack> Subscribers() =>
        Enumerable.Range(0, Run.Layout.Clients.Length).Select(i => Run.Observer.SubscriberOf(i)).OfType<SubscriberTrack>();

    /// <summary>Pushes the bench received: first copies and extra ones.</summary>
    private long PushesBooked() => Subscribers().Sum(s => s.Unique + s.Duplicates);

    public async ValueTask DisposeAsync()
    {
        // Clients first, so the stand-in sees them close rather than being cut off.
        await Run.DisposeAsync();
        await Server.DisposeAsync();
    }
}
