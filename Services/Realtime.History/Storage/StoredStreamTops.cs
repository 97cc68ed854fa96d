using Realtime.Delivery;

namespace Realtime.History.Storage;

/// <summary>The history service answers durable tops straight from its own database.</summary>
internal sealed class StoredStreamTops(PublicationStore store) : IDurableStreamTops
{
    public Task<ulong> GetTopAsync(string channel, CancellationToken cancellationToken) => store.GetTopAsync(channel, cancellationToken);
}
