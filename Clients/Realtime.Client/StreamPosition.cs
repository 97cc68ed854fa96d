namespace Realtime.Client;

/// <summary>A position in a channel's stream: the offset of a publication and the stream's epoch.</summary>
public readonly record struct StreamPosition(ulong Offset, string Epoch);
