namespace Realtime.Bench.Tests.StandIn;

/// <summary>
/// Holds the publication at <paramref name="offset"/> of a channel back from the channel's first
/// subscriber and pushes it right after the next one, so the two arrive swapped.
/// </summary>
internal sealed class SwapsWithNext(string channel, ulong offset) : ServerBehaviour
{
    private string? _held;

    public override void Deliver(Delivery delivery, Action<string> write)
    {
        if (delivery.Channel != channel || delivery.Subscriber != 0)
        {
            write(delivery.Frame);
            return;
        }

        if (delivery.Offset == offset)
        {
            _held = delivery.Frame;
            CountInjected();
            return;
        }

        write(delivery.Frame);
        if (_held is { } held && delivery.Offset == offset + 1)
        {
            write(held);
            _held = null;
        }
    }
}
