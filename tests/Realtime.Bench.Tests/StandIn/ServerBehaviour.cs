namespace Realtime.Bench.Tests.StandIn;

/// <summary>One publication on its way to one subscriber of its channel.</summary>
/// <param name="Channel">The channel the publication belongs to.</param>
/// <param name="Subscriber">The subscriber's place among the channel's subscribers (0: the first to subscribe).</param>
/// <param name="Offset">The publication's offset in the channel (dense from 1).</param>
/// <param name="Frame">The push as the stand-in writes it.</param>
internal sealed record Delivery(string Channel, int Subscriber, ulong Offset, string Frame);

/// <summary>
/// How the stand-in server treats publishes and deliveries. This base class is a correct server;
/// each fault overrides one step and counts what it injected, so a test can hold the bench's
/// counts against exactly what was done to it.
/// </summary>
internal class ServerBehaviour
{
    private int _injected;

    /// <summary>Faults injected so far.</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>True: answer the publish with an error; it is then neither stored nor delivered.</summary>
    public virtual bool Refuses(long sequence) => false;

    /// <summary>
    /// Writes one publication to one subscriber. Called in offset order, one call at a time per
    /// channel, so a fault may keep state for the channel it targets.
    /// </summary>
    public virtual void Deliver(Delivery delivery, Action<string> write) => write(delivery.Frame);

    protected void CountInjected() => Interlocked.Increment(ref _injected);
}
