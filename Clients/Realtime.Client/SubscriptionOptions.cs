namespace Realtime.Client;

/// <summary>How a <see cref="Subscription"/> subscribes.</summary>
public sealed class SubscriptionOptions
{
    /// <summary>
    /// Returns a subscription token for the channel (private channels, or namespaces that require
    /// one), asked at each subscribe and before the current one expires, and after a 109.
    /// </summary>
    public Func<string, CancellationToken, ValueTask<string>>? GetToken { get; init; }

    /// <summary>
    /// Where to resume on the first subscribe (for instance the last position the application
    /// stored). Later resubscriptions resume from the last publication delivered.
    /// </summary>
    public StreamPosition? Since { get; init; }

    /// <summary>Ask for join and leave events of the channel (when its namespace allows them).</summary>
    public bool JoinLeave { get; init; }
}
