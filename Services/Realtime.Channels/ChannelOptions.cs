namespace Realtime.Channels;

/// <summary>
/// What a namespace allows and keeps. Everything is off by default, as in Centrifugo: a
/// deployment turns on exactly what each namespace needs.
/// </summary>
public sealed class ChannelOptions
{
    /// <summary>Keep presence (who is subscribed) for the namespace's channels.</summary>
    public bool Presence { get; set; }

    /// <summary>Send join and leave pushes to subscribers that ask for them.</summary>
    public bool JoinLeave { get; set; }

    /// <summary>Send join and leave pushes to every subscriber.</summary>
    public bool ForcePushJoinLeave { get; set; }

    /// <summary>How many recent publications each channel keeps for history and recovery (0: none).</summary>
    public int HistorySize { get; set; }

    /// <summary>How long a channel's recent publications are kept after its last publish.</summary>
    public TimeSpan HistoryTtl { get; set; }

    /// <summary>Subscribers recover missed publications on resubscribe even when they did not ask.</summary>
    public bool ForceRecovery { get; set; }

    /// <summary>
    /// Recovery may read beyond the channel's history window, from PostgreSQL (this project's
    /// extension; off, recovery is bounded by <see cref="HistorySize"/> and <see cref="HistoryTtl"/>
    /// as in Centrifugo).
    /// </summary>
    public bool RecoverFromStorage { get; set; }

    /// <summary>The gateway checks each subscriber's stream for gaps and makes it recover.</summary>
    public bool ForcePositioning { get; set; }

    /// <summary>Subscribers of a channel may publish to it.</summary>
    public bool AllowPublishForSubscriber { get; set; }

    /// <summary>Any authenticated client may publish, subscribed or not.</summary>
    public bool AllowPublishForClient { get; set; }

    /// <summary>Any authenticated client may subscribe without a subscription token.</summary>
    public bool AllowSubscribeForClient { get; set; }

    /// <summary>
    /// Anonymous clients (no user) may subscribe where <see cref="AllowSubscribeForClient"/> lets
    /// clients subscribe; without it that permission is for authenticated users only (Centrifugo's
    /// <c>allow_subscribe_for_anonymous</c>). The same holds for the three below.
    /// </summary>
    public bool AllowSubscribeForAnonymous { get; set; }

    /// <summary>Anonymous clients may publish where the namespace lets clients or subscribers publish.</summary>
    public bool AllowPublishForAnonymous { get; set; }

    /// <summary>Anonymous subscribers may ask for presence where <see cref="AllowPresenceForSubscriber"/> is on.</summary>
    public bool AllowPresenceForAnonymous { get; set; }

    /// <summary>Anonymous subscribers may ask for history where <see cref="AllowHistoryForSubscriber"/> is on.</summary>
    public bool AllowHistoryForAnonymous { get; set; }

    /// <summary>Subscribers may ask for presence.</summary>
    public bool AllowPresenceForSubscriber { get; set; }

    /// <summary>Subscribers may ask for history.</summary>
    public bool AllowHistoryForSubscriber { get; set; }

    /// <summary>Channels ending in <c>#user1,user2</c> may be subscribed to by the users they name.</summary>
    public bool AllowUserLimitedChannels { get; set; }

    /// <summary>
    /// Delta compressions subscribers may ask for (<c>fossil</c> is the one there is); a subscriber
    /// that asks for one listed here gets <c>delta: true</c> and its publications as deltas.
    /// </summary>
    public List<string> AllowedDeltaTypes { get; set; } = [];

    /// <summary>
    /// Publications of the namespace are sent as fossil deltas against the channel's previous one to
    /// the subscribers that negotiated delta (without it they get every payload in full).
    /// </summary>
    public bool DeltaPublish { get; set; }

    /// <summary>Whether a subscriber asking for <paramref name="deltaType"/> gets it.</summary>
    public bool AllowsDelta(string? deltaType) =>
        !string.IsNullOrEmpty(deltaType) && AllowedDeltaTypes.Contains(deltaType, StringComparer.Ordinal);

    /// <summary>Subscriptions are decided by the application backend's subscribe proxy.</summary>
    public bool ProxySubscribe { get; set; }

    /// <summary>Publications are decided (and may be rewritten) by the application backend's publish proxy.</summary>
    public bool ProxyPublish { get; set; }

    /// <summary>Subscription expiry is extended by the application backend's sub-refresh proxy.</summary>
    public bool ProxySubRefresh { get; set; }

    public bool HistoryEnabled => HistorySize > 0 && HistoryTtl > TimeSpan.Zero;
}
