namespace Realtime.Bench.Clients;

/// <summary>How a connect (and the subscribes sent with it) went.</summary>
internal sealed class Handshake
{
    public int ConnectError { get; set; }

    public List<SubscribeOutcome> Subscriptions { get; } = [];

    public bool Succeeded => ConnectError == 0 && Subscriptions.TrueForAll(s => s.ErrorCode == 0);
}

/// <summary>The subscribe reply: the stream's position, and whether what was missed came back with it.</summary>
internal sealed record SubscribeOutcome(string Channel, int ErrorCode, StreamPosition Position, bool Recovered, int RecoveredCount);
