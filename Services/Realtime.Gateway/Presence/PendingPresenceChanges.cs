using Realtime.Contracts;

namespace Realtime.Gateway.Presence;

/// <summary>
/// The presence changes of this node not yet reported, at most one per client and channel: the
/// latest wins. A leave replaces a join still waiting, so a client that subscribes and leaves
/// within one flush interval is reported as gone rather than present until its entry expires,
/// and a report never carries two changes of one client that the presence service could apply
/// in the wrong order. Memory is bounded by the subscriptions that changed, not by the events.
/// Not thread-safe: the reporter guards it.
/// </summary>
internal sealed class PendingPresenceChanges
{
    // A null entry is a leave.
    private Dictionary<(string Channel, string Client), PresenceEntry?> _changes = [];

    public int Count => _changes.Count;

    public void Join(PresenceEntry entry) => _changes[(entry.Channel, entry.Client)] = entry;

    public void Leave(string channel, string client) => _changes[(channel, client)] = null;

    /// <summary>Takes every pending change, leaving none.</summary>
    public (List<PresenceEntry> Joins, List<PresenceLeave> Leaves) TakeAll()
    {
        var taken = _changes;
        _changes = [];
        var joins = new List<PresenceEntry>();
        var leaves = new List<PresenceLeave>();
        foreach (var ((channel, client), entry) in taken)
        {
            if (entry is null)
            {
                leaves.Add(new PresenceLeave(channel, client));
            }
            else
            {
                joins.Add(entry);
            }
        }

        return (joins, leaves);
    }

    /// <summary>
    /// Puts back changes whose report failed, except where a newer change of the same client
    /// and channel arrived meanwhile: the newer one is the truth.
    /// </summary>
    public void Restore(List<PresenceEntry> joins, List<PresenceLeave> leaves)
    {
        foreach (var join in joins)
        {
            _changes.TryAdd((join.Channel, join.Client), join);
        }

        foreach (var leave in leaves)
        {
            _changes.TryAdd((leave.Channel, leave.Client), null);
        }
    }
}
