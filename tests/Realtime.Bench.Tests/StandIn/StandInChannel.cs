namespace Realtime.Bench.Tests.StandIn;

/// <summary>
/// One channel of the stand-in: its subscribers in the order they came, and its offsets. A publish
/// takes its offset and is handed to every subscriber's outbox under one lock, so a correct
/// stand-in delivers every channel in offset order.
/// </summary>
internal sealed class StandInChannel(string name)
{
    private readonly Lock _gate = new();
    private readonly List<(StandInConnection Connection, int Place)> _subscribers = [];
    private int _subscribes;
    private ulong _offset;

    public void Subscribe(StandInConnection connection, uint id)
    {
        lock (_gate)
        {
            _subscribers.Add((connection, _subscribes++));
            // Inside the lock: no push of this channel can overtake the reply.
            connection.Send(StandInFrames.SubscribeReply(id, _offset));
        }
    }

    public void Unsubscribe(StandInConnection connection)
    {
        lock (_gate)
        {
            _subscribers.RemoveAll(s => s.Connection == connection);
        }
    }

    /// <summary>Stores the publication at the next offset and delivers it; returns the pushes written.</summary>
    public int Publish(string data, ServerBehaviour behaviour)
    {
        lock (_gate)
        {
            var offset = ++_offset;
            var frame = StandInFrames.Push(name, data, offset);
            var written = 0;
            foreach (var (connection, place) in _subscribers)
            {
                behaviour.Deliver(new Delivery(name, place, offset, frame), push =>
                {
                    connection.Send(push);
                    written++;
                });
            }

            return written;
        }
    }
}
