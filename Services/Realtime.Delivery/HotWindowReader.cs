using System.Globalization;
using Realtime.Messaging.Publications;
using StackExchange.Redis;

namespace Realtime.Delivery;

/// <summary>
/// Reads the recent-history window fanout keeps in Redis: a stream per channel whose entry ids
/// are the publications' offsets (<c>{offset}-1</c>). History answers queries from it; gateways
/// recover resubscribing clients from it directly.
/// </summary>
public sealed class HotWindowReader(IConnectionMultiplexer redis)
{
    /// <summary>Publications with offsets in [from, to], oldest first (or newest first when reversed), at most <paramref name="count"/>.</summary>
    public async Task<List<SequencedPublication>> ReadAsync(string channel, string epoch, ulong from, ulong to, int count, bool reverse)
    {
        var db = redis.GetDatabase();
        var min = from == 0 ? "-" : $"{from}-1";
        var max = to == ulong.MaxValue ? "+" : $"{to}-1";
        var entries = await db.StreamRangeAsync(ChannelKeys.History(channel), min, max, count, reverse ? Order.Descending : Order.Ascending);
        var publications = new List<SequencedPublication>(entries.Length);
        foreach (var entry in entries)
        {
            var id = (string)entry.Id!;
            var offset = ulong.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
            var envelope = PublicationCodec.Decode((byte[])entry.Values[0].Value!);
            publications.Add(new SequencedPublication(envelope, offset, epoch));
        }

        return publications;
    }
}
