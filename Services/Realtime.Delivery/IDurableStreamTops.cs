namespace Realtime.Delivery;

/// <summary>
/// The highest offset a channel ever stored durably (PostgreSQL), kept even when retention
/// deletes the publications: where a restarted stream continues from.
/// </summary>
public interface IDurableStreamTops
{
    Task<ulong> GetTopAsync(string channel, CancellationToken cancellationToken);
}
