namespace Realtime.Protocol.Commands;

/// <summary>
/// An empty command (<c>{}</c>): the client's answer to a server ping. It has no id and gets
/// no reply.
/// </summary>
public sealed record PongRequest : CommandRequest
{
    public static readonly PongRequest Instance = new();
    public override CommandMethod Method => CommandMethod.Ping;
}

/// <summary>A command naming a method this server does not know; it is answered with 104.</summary>
public sealed record UnknownMethodRequest(string Name) : CommandRequest
{
    public override CommandMethod Method => CommandMethod.Ping;
}
