namespace Realtime.Bench.Tests.StandIn;

/// <summary>Pushes the publication at <paramref name="offset"/> of a channel twice, back to back, to the channel's first subscriber.</summary>
internal sealed class DeliversOneTwice(string channel, ulong offset) : ServerBehaviour
{
    public override void Deliver(Delivery delivery, Action<string> write)
    {
        write(delivery.Frame);
        if (delivery.Channel == channel && delivery.Subscriber == 0 && delivery.Offset == offset)
        {
            CountInjected();
            write(delivery.Frame);
        }
    }
}
