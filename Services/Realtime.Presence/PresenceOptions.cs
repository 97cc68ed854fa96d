using System.ComponentModel.DataAnnotations;

namespace Realtime.Presence;

/// <summary>The <c>Presence</c> configuration section.</summary>
internal sealed class PresenceOptions
{
    public const string SectionName = "Presence";

    /// <summary>
    /// How long an entry lives without a refresh. Gateways refresh well within it; the clients
    /// of a gateway that died disappear after at most this long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00")]
    public TimeSpan EntryTtl { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>
    /// How often expired entries are looked for and their leaves announced: a dead gateway's
    /// clients are gone at most EntryTtl + SweepInterval after its last refresh.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);
}
