namespace Realtime.Protocol.Commands;

/// <summary>
/// A frame that is not a valid sequence of commands. The connection is closed with
/// <see cref="Codes.Disconnect.BadRequest"/>: a client that sends it is broken or hostile.
/// </summary>
public sealed class MalformedCommandException(string message) : Exception(message)
{
    public MalformedCommandException() : this("malformed command") { }

    public MalformedCommandException(string message, Exception inner) : this(message + ": " + inner.Message) { }
}
