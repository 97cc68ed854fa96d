using System.ComponentModel.DataAnnotations;

namespace Realtime.Fanout;

/// <summary>The <c>Fanout</c> configuration section.</summary>
internal sealed class FanoutOptions
{
    public const string SectionName = "Fanout";

    /// <summary>
    /// How long a sequenced publication id is remembered, so a redelivered log record is neither
    /// sequenced nor delivered twice. Must exceed the longest redelivery delay of the log.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan DeduplicationWindow { get; set; } = TimeSpan.FromMinutes(5);
}
