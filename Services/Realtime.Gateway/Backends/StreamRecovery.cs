using Realtime.Delivery;

namespace Realtime.Gateway.Backends;

/// <summary>
/// Finds what a resubscribing client missed in the channel's hot window in Redis, the history
/// the namespace keeps (<c>HistorySize</c>, <c>HistoryTtl</c>): recovered only when the window
/// still holds every publication after the client's position, as Centrifugo decides (one round
/// trip each for the position and the range). Where the namespace opts in
/// (<c>RecoverFromStorage</c>), what the window no longer holds is read from the history service,
/// which fills from PostgreSQL. A reconnect storm then costs Redis reads, not a wave of HTTP calls.
/// </summary>
internal sealed class StreamRecovery(ChannelStreams streams, HotWindowReader window, HistoryClient history)
{
    /// <summary>
    /// The publications after <paramref name="offset"/> in <paramref name="epoch"/> (empty: any
    /// epoch), oldest first; unrecoverable when the epoch changed, the position is ahead of the
    /// stream, more than <paramref name="limit"/> are missing, or some are no longer kept.
    /// </summary>
    public async Task<HistoryPage> ReadAfterAsync(string channel, ulong offset, string epoch, int limit, bool fromStorage, CancellationToken cancellationToken)
    {
        var top = await streams.GetPositionAsync(channel, cancellationToken);
        if (epoch.Length == 0)
        {
            epoch = top.Epoch;
        }

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

        if (!fromStorage)
        {
            return new HistoryPage([], top.Offset, top.Epoch, Unrecoverable: true);
        }

        // The window no longer starts early enough: the history service has the older part.
        return await history.GetAsync(channel, limit + 1, offset, epoch, reverse: false, cancellationToken);
    }
}
