namespace Realtime.Bench.Clients;

/// <summary>What one line of an incoming message is.</summary>
internal enum IncomingKind
{
    /// <summary>A server ping (<c>{}</c>), to be answered with <c>{}</c>.</summary>
    Ping,
    Reply,
    Publication,
    Disconnect,
    /// <summary>Any other push (join, leave, unsubscribe, message…): not measured.</summary>
    OtherPush,
}

internal enum ReplyMethod
{
    Other,
    Connect,
    Subscribe,
    Publish,
}

/// <summary>A bench publication as received: who sent it, its sequence, when, and its channel offset.</summary>
internal readonly record struct ReceivedPublication(int Sender, long Sequence, long Timestamp, ulong Offset);

/// <summary>One parsed line of an incoming message.</summary>
internal ref struct IncomingFrame
{
    public IncomingKind Kind;
    public uint Id;
    public ReplyMethod Method;
    /// <summary>The reply's error code; 0 for a successful reply.</summary>
    public int ErrorCode;
    public int DisconnectCode;
    /// <summary>The push's channel (unescaped names only, which is all the bench uses).</summary>
    public ReadOnlySpan<byte> Channel;
    public ReceivedPublication Publication;
    /// <summary>Subscribe reply: the stream's epoch and top offset, and whether missed publications were recovered.</summary>
    public string? Epoch;
    public ulong Offset;
    public bool Recovered;
    /// <summary>Subscribe reply: publications recovered, in order (null when none).</summary>
    public List<ReceivedPublication>? Publications;
}
