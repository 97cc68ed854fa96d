using System.Collections.Concurrent;
using System.Collections.Immutable;
using Realtime.Channels;
using Realtime.Messaging.Delivery;
using Realtime.Messaging.Publications;
using Realtime.Protocol;
using Realtime.Protocol.Delta;
using Realtime.Protocol.Replies;
using StackExchange.Redis;

namespace Realtime.Connection.Hub;

/// <summary>
/// The node's channels and their local subscribers. A publication arriving from Redis is
/// decoded and encoded as a push once, and the same bytes are queued to every subscriber; where
/// subscribers negotiated delta compression, the delta against the channel's previous
/// publication is also computed once, here, for all of them.
/// </summary>
internal sealed partial class ChannelHub(DeliveryListener listener, ChannelNamespaces namespaces, ILogger<ChannelHub> logger)
{
    private readonly ConcurrentDictionary<string, HubChannel> _channels = new(StringComparer.Ordinal);

    public int ChannelCount => _channels.Count;

    /// <summary>Subscriptions on this node across all channels.</summary>
    public int SubscriptionCount
    {
        get
        {
            var count = 0;
            foreach (var channel in _channels.Values)
            {
                count += channel.Subscribers.Length;
            }

            return count;
        }
    }

    /// <summary>Adds a subscriber; completes once this node receives the channel's publications.</summary>
    public async Task AddAsync(ChannelSubscription subscription)
    {
        while (true)
        {
            var channel = _channels.GetOrAdd(subscription.Channel, static (name, namespaces) => new HubChannel(name, namespaces.Resolve(name)?.DeltaPublish == true), namespaces);
            Task<ChannelMessageQueue> ready;
            lock (channel)
            {
                if (channel.Closed)
                {
                    continue; // Lost a race with the last unsubscribe; take the fresh entry.
                }

                channel.Subscribers = channel.Subscribers.Add(subscription);
                channel.Ready ??= listener.SubscribeAsync(channel.Name, message => Deliver(channel, message));
                ready = channel.Ready;
            }

            try
            {
                await ready;
                return;
            }
            catch
            {
                Remove(subscription);
                throw;
            }
        }
    }

    public void Remove(ChannelSubscription subscription)
    {
        if (!_channels.TryGetValue(subscription.Channel, out var channel))
        {
            return;
        }

        Task<ChannelMessageQueue>? toClose = null;
        lock (channel)
        {
            channel.Subscribers = channel.Subscribers.Remove(subscription);
            if (channel.Subscribers.IsEmpty && !channel.Closed)
            {
                channel.Closed = true;
                _channels.TryRemove(new KeyValuePair<string, HubChannel>(channel.Name, channel));
                toClose = channel.Ready;
            }
        }

        if (toClose is not null)
        {
            _ = UnsubscribeAsync(channel.Name, toClose);
        }
    }

    private async Task UnsubscribeAsync(string channel, Task<ChannelMessageQueue> subscribed)
    {
        try
        {
            var queue = await subscribed;
            await queue.UnsubscribeAsync();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnsubscribeFailed(e, channel);
        }
    }

    private void Deliver(HubChannel channel, ReadOnlyMemory<byte> message)
    {
        DeliveryEvent delivery;
        try
        {
            delivery = DeliveryMessage.Decode(message);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
        {
            LogMalformedDelivery(e, channel.Name);
            return;
        }

        var subscribers = channel.Subscribers;
        if (delivery.Publication is { } sequenced)
        {
            var frames = Frames(channel, sequenced, subscribers);
            foreach (var subscription in subscribers)
            {
                subscription.Deliver(frames, sequenced.Offset, sequenced.Epoch);
            }

            Telemetry.GatewayDelivery.Record(sequenced, subscribers.Length);
            return;
        }

        var presenceFrame = delivery.Kind == DeliveryEventKind.Join
            ? FrameEncoder.Encode((channel.Name, delivery.Client!), static (w, s) => PushWriter.Join(w, s.Name, s.Item2))
            : FrameEncoder.Encode((channel.Name, delivery.Client!), static (w, s) => PushWriter.Leave(w, s.Name, s.Item2));
        foreach (var subscription in subscribers)
        {
            subscription.DeliverPresenceEvent(presenceFrame);
        }
    }

    /// <summary>
    /// The publication's frames. Runs on the channel's delivery queue, one publication after
    /// another, so the channel's previous payload (the delta base) needs no lock.
    /// </summary>
    private static PublicationFrames Frames(HubChannel channel, SequencedPublication sequenced, ImmutableArray<ChannelSubscription> subscribers)
    {
        var publication = sequenced.ToClientPublication();
        var json = FrameEncoder.Encode((sequenced.Publication.Channel, publication), static (w, s) => PushWriter.Publication(w, s.Channel, s.publication));
        var frames = new PublicationFrames(json, ++channel.Sequence);
        if (!AnyDelta(subscribers))
        {
            channel.PreviousData = default;
            return frames;
        }

        var data = publication.Data.Utf8;
        var full = FrameEncoder.Encode((sequenced.Publication.Channel, publication with { Form = PublicationDataForm.FullString }),
            static (w, s) => PushWriter.Publication(w, s.Channel, s.Item2));
        ReadOnlyMemory<byte> deltaFrame = default;
        if (channel.DeltaPublish && !channel.PreviousData.IsEmpty)
        {
            var delta = FossilDelta.Create(channel.PreviousData.Span, data.Span);
            if (delta.Length < data.Length)
            {
                deltaFrame = FrameEncoder.Encode((sequenced.Publication.Channel, publication with { Form = PublicationDataForm.Delta, DeltaBytes = delta }),
                    static (w, s) => PushWriter.Publication(w, s.Channel, s.Item2));
            }
        }

        // The payload is a slice of this delivery's own message, never reused: no copy needed.
        channel.PreviousData = data;
        return frames with { FullString = full, Delta = deltaFrame };
    }

    private static bool AnyDelta(ImmutableArray<ChannelSubscription> subscribers)
    {
        foreach (var subscription in subscribers)
        {
            if (subscription.Delta)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Tells every node's subscribers that a client joined or left, in order with the channel's publications.</summary>
    public async Task PublishPresenceEventAsync(string channel, byte[] message)
    {
        try
        {
            await listener.PublishAsync(channel, message);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogJoinLeaveFailed(e, channel);
        }
    }

    private sealed class HubChannel(string name, bool deltaPublish)
    {
        public string Name { get; } = name;
        public bool DeltaPublish { get; } = deltaPublish;
        /// <summary>Publications delivered on this node so far (touched only by the delivery queue).</summary>
        public long Sequence { get; set; }
        /// <summary>The previous publication's payload while some subscriber negotiated delta.</summary>
        public ReadOnlyMemory<byte> PreviousData { get; set; }
        public ImmutableArray<ChannelSubscription> Subscribers { get; set; } = [];
        public Task<ChannelMessageQueue>? Ready { get; set; }
        public bool Closed { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not unsubscribe this node from channel {Channel}")]
    private partial void LogUnsubscribeFailed(Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send a join/leave event on channel {Channel}")]
    private partial void LogJoinLeaveFailed(Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dropped a malformed delivery message on channel {Channel}")]
    private partial void LogMalformedDelivery(Exception exception, string channel);
}
