namespace Realtime.Protocol.Replies;

/// <summary>Who a connection is: sent with publications, presence and join/leave.</summary>
public sealed record ClientInfo(string User, string Client, RawJson ConnInfo = default, RawJson ChanInfo = default);
