namespace Realtime.Client;

/// <summary>What a subscription reports besides publications, in stream order with them.</summary>
public abstract record SubscriptionEvent(string Channel);

/// <summary>A publication (see <see cref="Publication"/>).</summary>
public sealed record PublicationEvent(Publication Publication) : SubscriptionEvent(Publication.Channel);

/// <summary>
/// The subscription is (again) active. After a resubscription, <see cref="Recovered"/> says whether
/// every publication missed meanwhile was delivered (they precede this event's successors);
/// false means the gap could not be filled (history too short, or another epoch) and the
/// application should reload its state.
/// </summary>
public sealed record SubscribedEvent(string Channel, bool WasRecovering, bool Recovered, StreamPosition? Position) : SubscriptionEvent(Channel);

/// <summary>A client joined the channel.</summary>
public sealed record JoinEvent(string Channel, ClientInfo Info) : SubscriptionEvent(Channel);

/// <summary>A client left the channel.</summary>
public sealed record LeaveEvent(string Channel, ClientInfo Info) : SubscriptionEvent(Channel);

/// <summary>The subscription ended: by the application, or by the server (with its code and reason).</summary>
public sealed record UnsubscribedEvent(string Channel, int Code, string Reason) : SubscriptionEvent(Channel);
