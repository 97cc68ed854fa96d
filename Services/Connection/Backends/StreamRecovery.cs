using Realtime.Messaging.Delivery;
using Realtime.Messaging.Publications;

namespace Realtime.Connection.Backends;

/// <summary>
/// Finds what a resubscribing client missed: from the channel's hot window in Redis when the
/// window still holds all of it (one round trip each for the position and the range, as a node of
/// Centrifugo reads its broker), and from the history service, which fills from PostgreSQL, only
/// when it does not. A reconnect storm then costs Redis reads, not a wave of HTTP calls.
/// </summary>
internal sealed class StreamRecovery(ChannelStreams streams, HotWindowReader window, HistoryClient history)
{
    /// <summary>
    /// The publications after <paramref name="offset"/> in <paramref name="epoch"/>, oldest first;
    /// unrecoverable when the epoch changed, the position is ahead of the stream, or more than
    /// <paramref name="limit"/> are missing.
    /// </summary>
    public async Task<HistoryPage> ReadAfterAsync(string channel, ulong offset, string epoch, int limit, CancellationToken cancellationToken)
    {
        var top = await streams.GetPositionAsync(channel, cancellationToken);
        if (epoch != top.Epoch || offset > top.Offset || top.Offset - offset > (ulong)limit)
        {
            return new HistoryPage([], top.Offset, top.Epoch, Unrecoverable: true);
        }

        if (offset == top.Offset)
        {
            return new HistoryPage([], top.Offset, top.Epoch, Unrecoverable: false);
        }

        var missing = (int)(top.Offset - offset);
        var hot = await window.ReadAsync(channel, top.Epoch, offset + 1, top.Offset, missing, reverse: false);
        if (hot.Count == missing && hot[0].Offset == offset + 1 && hot[^1].Offset == top.Offset)
        {
            return new HistoryPage(hot, top.Offset, top.Epoch, Unrecoverable: false);
        }

        // The window no longer starts early enough: the history service has the older part.
        return await history.GetAsync(channel, limit + 1, offset, epoch, reverse: false, cancellationToken);
    }
}
