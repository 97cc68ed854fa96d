using System.ComponentModel.DataAnnotations;

namespace Realtime.Messaging.Dapr;

/// <summary>How the Dapr subscription endpoints treat the events daprd delivers.</summary>
public sealed class DaprLogSubscriptionOptions
{
    /// <summary>
    /// Longest one delivery is worked on (outages waited out, failing records retried and
    /// dead-lettered) before daprd is told RETRY and redelivers it later. Keep it below
    /// pubsub.redis's <c>processingTimeout</c> (15 s by default): past that daprd hands the
    /// same message out again while the first attempt still runs.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxHandlingTime { get; set; } = TimeSpan.FromSeconds(10);
}
