namespace Realtime.Bench.Tests.StandIn;

/// <summary>Loses every <paramref name="n"/>-th publication of a channel (by offset) on its way to the channel's first subscriber.</summary>
internal sealed class DropsEveryNth(string channel, int n) : ServerBehaviour
{
    public override void Deliver(Delivery delivery, Action<string> write)
    {
        if (delivery.Channel == channel && delivery.Subscriber == 0 && delivery.Offset % (ulong)n == 0)
        {
            CountInjected();
            return;
        }

        write(delivery.Frame);
    }
}
