using System.Collections.Concurrent;
using System.Collections.Immutable;
using Realtime.Channels;
using Realtime.Delivery;
using Realtime.Messaging.Publications;
using Realtime.Protocol;
using Realtime.Protocol.Delta;
using Realtime.Protocol.Replies;
using StackExchange.Redis;

namespace Realtime.Gateway.Hub;

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

        var info = delivery.Client!;
        var join = delivery.Kind == DeliveryEventKind.Join;
        var json = join ? ProtocolFrames.JoinPush(ProtocolFormat.Json, channel.Name, info) : ProtocolFrames.LeavePush(ProtocolFormat.Json, channel.Name, info);
        var protobuf = !Needs(subscribers).Protobuf ? default
            : join ? ProtocolFrames.JoinPush(ProtocolFormat.Protobuf, channel.Name, info) : ProtocolFrames.LeavePush(ProtocolFormat.Protobuf, channel.Name, info);
        foreach (var subscription in subscribers)
        {
            subscription.DeliverPresenceEvent(json, protobuf);
        }
    }

    /// <summary>
    /// The publication's frames. Runs on the channel's delivery queue, one publication after
    /// another, so the channel's previous payload (the delta base) needs no lock.
    /// </summary>
    private static PublicationFrames Frames(HubChannel channel, SequencedPublication sequenced, ImmutableArray<ChannelSubscription> subscribers)
    {
        var publication = sequenced.ToClientPublication();
        var name = sequenced.Publication.Channel;
        var needs = Needs(subscribers);
        var frames = new PublicationFrames(needs.Json ? ProtocolFrames.PublicationPush(ProtocolFormat.Json, name, publication) : default, ++channel.Sequence)
        {
            Protobuf = needs.Protobuf ? ProtocolFrames.PublicationPush(ProtocolFormat.Protobuf, name, publication) : default,
        };
        if (!needs.JsonDelta && !needs.ProtobufDelta)
        {
            channel.PreviousData = default;
            return frames;
        }

        var data = publication.Data.Utf8;
        byte[]? delta = null;
        if (channel.DeltaPublish && !channel.PreviousData.IsEmpty)
        {
            delta = FossilDelta.Create(channel.PreviousData.Span, data.Span);
            if (delta.Length >= data.Length)
            {
                delta = null;
            }
        }

        // The payload is a slice of this delivery's own message, never reused: no copy needed.
        channel.PreviousData = data;
        var asDelta = delta is null ? null : publication with { Form = PublicationDataForm.Delta, DeltaBytes = delta };
        return frames with
        {
            FullString = needs.JsonDelta ? ProtocolFrames.PublicationPush(ProtocolFormat.Json, name, publication with { Form = PublicationDataForm.FullString }) : default,
            Delta = needs.JsonDelta && asDelta is not null ? ProtocolFrames.PublicationPush(ProtocolFormat.Json, name, asDelta) : default,
            ProtobufDelta = needs.ProtobufDelta && asDelta is not null ? ProtocolFrames.PublicationPush(ProtocolFormat.Protobuf, name, asDelta) : default,
        };
    }

    /// <summary>Which forms of a publication this node's subscribers of a channel need.</summary>
    private static (bool Json, bool JsonDelta, bool Protobuf, bool ProtobufDelta) Needs(ImmutableArray<ChannelSubscription> subscribers)
    {
        bool json = false, jsonDelta = false, protobuf = false, protobufDelta = false;
        foreach (var subscription in subscribers)
        {
            if (subscription.Protobuf)
            {
                protobuf = true;
                protobufDelta |= subscription.Delta;
            }
            else if (subscription.Delta)
            {
                jsonDelta = true;
            }
            else
            {
                json = true;
            }
        }

        return (json, jsonDelta, protobuf, protobufDelta);
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
