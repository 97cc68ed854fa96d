namespace Realtime.Client;

/// <summary>Where a <see cref="RealtimeClient"/>'s connection is.</summary>
public enum ConnectionState
{
    /// <summary>Not connected and not trying (never started, disposed, or disconnected for good).</summary>
    Disconnected,

    /// <summary>Connecting, or waiting to reconnect.</summary>
    Connecting,

    /// <summary>Connected: commands are sent, subscriptions are (re)subscribing or subscribed.</summary>
    Connected,
}

/// <summary>Where a <see cref="Subscription"/> is.</summary>
public enum SubscriptionState
{
    /// <summary>Not subscribed and not trying.</summary>
    Unsubscribed,

    /// <summary>Subscribing, or waiting for the connection to resubscribe.</summary>
    Subscribing,

    /// <summary>Subscribed: publications flow.</summary>
    Subscribed,
}

/// <summary>A change of the connection's state, with why it left the previous one.</summary>
/// <param name="State">The new state.</param>
/// <param name="Code">The close or error code that caused it (0 when none).</param>
/// <param name="Reason">The server's reason, or what failed.</param>
/// <param name="WillReconnect">Whether the client will try again.</param>
public sealed record ConnectionStateChange(ConnectionState State, int Code, string Reason, bool WillReconnect);
