using Realtime.Gateway.Hub;

namespace Realtime.Gateway.Clients;

/// <summary>
/// The channels one client is subscribed to on this node. A client holds one or a few (at most
/// <see cref="GatewayOptions.MaxChannelsPerConnection"/>), so they live in a small copy-on-write
/// array: reads take no lock and a session costs a few dozen bytes here, where a concurrent
/// dictionary's buckets and locks cost more than the rest of the session (it matters at tens of
/// thousands of idle connections per node).
/// </summary>
internal sealed class SessionSubscriptions
{
    private readonly Lock _gate = new();
    private ChannelSubscription[] _items = [];

    public int Count => Volatile.Read(ref _items).Length;

    /// <summary>The subscriptions at this moment; the array is never changed afterwards.</summary>
    public ChannelSubscription[] Snapshot() => Volatile.Read(ref _items);

    public bool Contains(string channel) => Find(Snapshot(), channel) >= 0;

    public bool TryGet(string channel, out ChannelSubscription subscription)
    {
        var items = Snapshot();
        var index = Find(items, channel);
        subscription = index >= 0 ? items[index] : null!;
        return index >= 0;
    }

    /// <summary>Adds the subscription, replacing one to the same channel.</summary>
    public void Set(ChannelSubscription subscription)
    {
        lock (_gate)
        {
            var index = Find(_items, subscription.Channel);
            var items = index >= 0 ? (ChannelSubscription[])_items.Clone() : new ChannelSubscription[_items.Length + 1];
            if (index < 0)
            {
                _items.CopyTo(items, 0);
                index = items.Length - 1;
            }

            items[index] = subscription;
            Volatile.Write(ref _items, items);
        }
    }

    public bool TryRemove(string channel, out ChannelSubscription subscription)
    {
        lock (_gate)
        {
            var index = Find(_items, channel);
            if (index < 0)
            {
                subscription = null!;
                return false;
            }

            subscription = _items[index];
            var items = new ChannelSubscription[_items.Length - 1];
            Array.Copy(_items, 0, items, 0, index);
            Array.Copy(_items, index + 1, items, index, items.Length - index);
            Volatile.Write(ref _items, items);
            return true;
        }
    }

    private static int Find(ChannelSubscription[] items, string channel)
    {
        for (var i = 0; i < items.Length; i++)
        {
            if (string.Equals(items[i].Channel, channel, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
