using Realtime.Bench.Clients;
using Realtime.Bench.Measurement;

namespace Realtime.Bench.Scenarios;

/// <summary>
/// Books what every client of a run sees into the run's ledger and latency histogram. Clients
/// are identified by their index, which a reconnecting client keeps.
/// </summary>
internal sealed class RunObserver(DeliveryLedger ledger, LatencyRecorder latency, int clients) : IClientObserver
{
    private readonly SubscriberTrack?[] _subscribers = new SubscriberTrack?[clients];
    private readonly PublisherTrack?[] _publishers = new PublisherTrack?[clients];
    private long _closedUnexpectedly;

    public DeliveryLedger Ledger => ledger;

    public LatencyRecorder Latency => latency;

    /// <summary>Called when a client's connection ends (before any reconnect); the argument is the close code.</summary>
    public Action<BenchClient, int?>? Closed { get; set; }

    /// <summary>Connections that ended while the run still needed them.</summary>
    public long ClosedUnexpectedly => Interlocked.Read(ref _closedUnexpectedly);

    /// <summary>Set once the run is over: closes from then on are the run's own.</summary>
    public bool Finishing { get; set; }

    public SubscriberTrack Subscribe(int client, int channel) => _subscribers[client] = ledger.AddSubscriber(client, channel);

    public PublisherTrack Publish(int client, int channel) => _publishers[client] = ledger.AddPublisher(client, channel);

    public SubscriberTrack? SubscriberOf(int client) => _subscribers[client];

    public PublisherTrack? PublisherOf(int client) => _publishers[client];

    public void OnPublication(BenchClient client, ReadOnlySpan<byte> channel, in ReceivedPublication publication, long receivedAt, bool recovered)
    {
        if (_subscribers[client.Index] is not { } track || !track.Record(publication))
        {
            return;
        }

        ledger.CountUnique();
        if (!recovered)
        {
            latency.Record(publication.Timestamp, receivedAt);
        }
    }

    public void OnSubscribed(BenchClient client, SubscribeOutcome outcome) => _subscribers[client.Index]?.Positioned(outcome.Position);

    public void OnPublishReply(BenchClient client, long sequence, int errorCode) => _publishers[client.Index]?.OnReply(sequence, errorCode);

    public void OnClosed(BenchClient client, int? code)
    {
        if (!Finishing)
        {
            Interlocked.Increment(ref _closedUnexpectedly);
        }

        Closed?.Invoke(client, code);
    }
}
