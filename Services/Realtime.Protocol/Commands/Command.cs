namespace Realtime.Protocol.Commands;

/// <summary>One command from a client: its id (echoed in the reply) and exactly one request.</summary>
/// <remarks>An id of 0 marks a command that expects no reply (only <c>send</c> uses it).</remarks>
public sealed record Command(uint Id, CommandRequest Request);

/// <summary>The request part of a command; the concrete type names the method.</summary>
public abstract record CommandRequest
{
    public abstract CommandMethod Method { get; }
}

/// <summary>The protocol's methods, in <c>client.proto</c>'s order.</summary>
public enum CommandMethod
{
    Connect,
    Subscribe,
    Unsubscribe,
    Publish,
    Presence,
    PresenceStats,
    History,
    Ping,
    Send,
    Rpc,
    Refresh,
    SubRefresh,
}
