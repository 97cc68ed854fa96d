using System.ComponentModel.DataAnnotations;

namespace Realtime.History;

/// <summary>The <c>History</c> configuration section.</summary>
internal sealed class HistoryOptions
{
    public const string SectionName = "History";

    /// <summary>Most publications one history query returns.</summary>
    [Range(1, 100_000)]
    public int MaxQueryLimit { get; set; } = 1000;

    /// <summary>Stored publications older than this are deleted (the hot window in Redis has its own TTL per namespace).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan RetentionAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Most publications stored per channel; older ones beyond it are deleted.</summary>
    [Range(1, int.MaxValue)]
    public int RetentionCount { get; set; } = 10_000;

    /// <summary>
    /// How long sequenced publications gather before the next batch is stored (unless a full
    /// batch is waiting): fewer, larger transactions under load, at the cost of this much lag in
    /// PostgreSQL. Live delivery and the hot window in Redis do not wait for it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan IngestLinger { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often retention runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(1);
}
