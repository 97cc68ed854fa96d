using Realtime.Messaging.Publications;

namespace Realtime.Gateway.Clients;

/// <summary>
/// Keeps history and recovery replies within <see cref="GatewayOptions.ReplyBudgetBytes"/>, so one
/// reply never fills a client's outbox (<see cref="GatewayOptions.MaxQueuedBytes"/>) and gets the
/// client disconnected as slow — which, for a recovery, would repeat on every reconnect.
/// </summary>
internal static class ReplyBudget
{
    /// <summary>Field names, offset, punctuation: what a publication adds to a reply beyond its payloads.</summary>
    private const int PerPublicationOverhead = 96;

    /// <summary>About how many bytes the publication takes in a reply (never less than it takes).</summary>
    public static int SizeOf(SequencedPublication sequenced)
    {
        var publication = sequenced.Publication;
        var size = PerPublicationOverhead + publication.Data.Utf8.Length;
        if (publication.Info is { } info)
        {
            size += (info.User.Length + info.Client.Length) * 3 + info.ConnInfo.Utf8.Length + info.ChanInfo.Utf8.Length + 64;
        }

        if (publication.Tags is { } tags)
        {
            foreach (var (key, value) in tags)
            {
                size += (key.Length + value.Length) * 6 + 8; // escaped in the worst case
            }
        }

        return size;
    }

    /// <summary>How many of the publications, from the first, fit the budget (at least one, so paging moves on).</summary>
    public static int CountThatFit(IReadOnlyList<SequencedPublication> publications, int budget)
    {
        var total = 0;
        for (var i = 0; i < publications.Count; i++)
        {
            total += SizeOf(publications[i]);
            if (total > budget)
            {
                return Math.Max(1, i);
            }
        }

        return publications.Count;
    }

    /// <summary>Whether all of them fit the budget (a recovery is whole or not at all).</summary>
    public static bool AllFit(IReadOnlyList<SequencedPublication> publications, int budget)
    {
        long total = 0;
        foreach (var publication in publications)
        {
            total += SizeOf(publication);
        }

        return total <= budget;
    }
}
