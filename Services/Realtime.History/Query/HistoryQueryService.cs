using Microsoft.Extensions.Options;
using Realtime.History.Storage;
using Realtime.Delivery;
using Realtime.Messaging.Publications;

namespace Realtime.History.Query;

/// <summary>
/// Answers history queries from the hot window in Redis, filling from PostgreSQL whatever the
/// window no longer holds. A position from another epoch, or one neither store can continue
/// without a gap, is reported unrecoverable rather than answered with a hole.
/// </summary>
internal sealed class HistoryQueryService(ChannelStreams streams, HotWindowReader window, PublicationStore store, IOptions<HistoryOptions> options)
{
    public async Task<HistoryAnswer> QueryAsync(HistoryQuery query, CancellationToken cancellationToken)
    {
        var top = await streams.GetPositionAsync(query.Channel, cancellationToken);
        var limit = query.Limit < 0 ? options.Value.MaxQueryLimit : Math.Min(query.Limit, options.Value.MaxQueryLimit);
        if (query.SinceOffset is not { } since)
        {
            if (limit == 0)
            {
                return new HistoryAnswer([], top);
            }

            return new HistoryAnswer(await window.ReadAsync(query.Channel, top.Epoch, 0, ulong.MaxValue, limit, query.Reverse), top);
        }

        if (query.SinceEpoch != top.Epoch || since > top.Offset)
        {
            return new HistoryAnswer([], top, Unrecoverable: true);
        }

        if (limit == 0)
        {
            return new HistoryAnswer([], top);
        }

        return query.Reverse
            ? await BeforeAsync(query.Channel, top, since, limit, cancellationToken)
            : await AfterAsync(query.Channel, top, since, limit, cancellationToken);
    }

    /// <summary>Publications after <paramref name="since"/>, oldest first, without gaps.</summary>
    private async Task<HistoryAnswer> AfterAsync(string channel, StreamTop top, ulong since, int limit, CancellationToken cancellationToken)
    {
        if (since == top.Offset)
        {
            return new HistoryAnswer([], top);
        }

        var first = since + 1;
        var last = Math.Min(top.Offset, since + (ulong)limit);
        var hot = await window.ReadAsync(channel, top.Epoch, first, last, limit, reverse: false);
        var hotStart = hot.Count > 0 ? hot[0].Offset : last + 1;
        if (hotStart == first)
        {
            return new HistoryAnswer(hot, top);
        }

        // The window starts later than asked: the older part comes from PostgreSQL.
        var cold = await store.ReadAsync(channel, top.Epoch, first, hotStart - 1, limit, reverse: false, cancellationToken);
        var combined = new List<SequencedPublication>(cold.Count + hot.Count);
        combined.AddRange(cold);
        combined.AddRange(hot);
        return IsContiguous(combined, first, last)
            ? new HistoryAnswer(combined, top)
            : new HistoryAnswer([], top, Unrecoverable: true);
    }

    /// <summary>Publications before <paramref name="since"/>, newest first.</summary>
    private async Task<HistoryAnswer> BeforeAsync(string channel, StreamTop top, ulong since, int limit, CancellationToken cancellationToken)
    {
        if (since <= 1)
        {
            return new HistoryAnswer([], top);
        }

        var hot = await window.ReadAsync(channel, top.Epoch, 1, since - 1, limit, reverse: true);
        if (hot.Count < limit && (hot.Count == 0 || hot[^1].Offset > 1))
        {
            var below = hot.Count == 0 ? since - 1 : hot[^1].Offset - 1;
            hot.AddRange(await store.ReadAsync(channel, top.Epoch, 1, below, limit - hot.Count, reverse: true, cancellationToken));
        }

        return new HistoryAnswer(hot, top);
    }

    private static bool IsContiguous(List<SequencedPublication> publications, ulong first, ulong last)
    {
        if (publications.Count == 0 || publications[0].Offset != first || publications[^1].Offset != last)
        {
            return false;
        }

        for (var i = 1; i < publications.Count; i++)
        {
            if (publications[i].Offset != publications[i - 1].Offset + 1)
            {
                return false;
            }
        }

        return true;
    }
}
