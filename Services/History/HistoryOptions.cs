using System.ComponentModel.DataAnnotations;

namespace Realtime.History;

/// <summary>The <c>History</c> configuration section.</summary>
public sealed class HistoryOptions
{
    public const string SectionName = "History";

    /// <summary>Most publications one history query returns.</summary>
    [Range(1, 100_000)]
    public int MaxQueryLimit { get; set; } = 1000;
}
