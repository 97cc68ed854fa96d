namespace Realtime.History.Query;

/// <summary>
/// One history question. <see cref="Limit"/> 0 asks only for the stream top; negative asks for
/// as many as the service allows. With <see cref="SinceOffset"/> the answer starts after that
/// position (before it, newest first, when <see cref="Reverse"/>).
/// </summary>
internal sealed record HistoryQuery(string Channel, int Limit, ulong? SinceOffset, string? SinceEpoch, bool Reverse);

/// <summary>The answer: publications, the stream's top, or that the position cannot be served (112).</summary>
internal sealed record HistoryAnswer(IReadOnlyList<Messaging.Publications.SequencedPublication> Publications, Delivery.StreamTop Top, bool Unrecoverable = false);
