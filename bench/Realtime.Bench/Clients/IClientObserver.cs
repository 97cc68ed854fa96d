namespace Realtime.Bench.Clients;

/// <summary>
/// What a scenario learns from its clients. Calls for one client come from its receive loop,
/// one at a time, in the order the server sent the frames.
/// </summary>
internal interface IClientObserver
{
    /// <summary>A publication pushed live, or returned in a subscribe reply (<paramref name="recovered"/>).</summary>
    void OnPublication(BenchClient client, ReadOnlySpan<byte> channel, in ReceivedPublication publication, long receivedAt, bool recovered);

    /// <summary>A subscribe reply, after the publications it recovered and before any live one that follows it.</summary>
    void OnSubscribed(BenchClient client, SubscribeOutcome outcome);

    /// <summary>The reply to a publish: <paramref name="errorCode"/> is 0 when the log has it.</summary>
    void OnPublishReply(BenchClient client, long sequence, int errorCode);

    /// <summary>The connection ended; <paramref name="code"/> is the close code, if one arrived.</summary>
    void OnClosed(BenchClient client, int? code);
}
