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

    /// <summary>
    /// The token daprd sends as <c>dapr-api-token</c> (its <c>APP_API_TOKEN</c>); when set, the
    /// subscription routes refuse every call without it. Unset here, the <c>APP_API_TOKEN</c>
    /// environment variable is used, as Dapr's own SDKs do.
    /// </summary>
    public string? AppApiToken { get; set; }

    /// <summary>The token in force: <see cref="AppApiToken"/>, else <c>APP_API_TOKEN</c>.</summary>
    public string? EffectiveAppApiToken => string.IsNullOrEmpty(AppApiToken) ? Environment.GetEnvironmentVariable("APP_API_TOKEN") : AppApiToken;

    public override string ToString() => $"MaxHandlingTime={MaxHandlingTime}, AppApiToken={(string.IsNullOrEmpty(EffectiveAppApiToken) ? "(unset)" : "(set)")}";
}
