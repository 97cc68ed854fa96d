namespace Realtime.Messaging.Log;

/// <summary>
/// The log refused a record for a reason that will not pass by waiting (a misconfigured topic,
/// a denied permission, a fatal client error): the append failed, and retrying it would fail
/// the same way. Transports throw it for their client library's other errors.
/// </summary>
public sealed class LogRejectedException(string message, Exception? innerException = null) : Exception(message, innerException);
