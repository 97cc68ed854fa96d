namespace Realtime.Messaging.Log;

/// <summary>
/// The log, or a store a log handler writes to, cannot be reached right now: an outage. It is
/// waited out however long it lasts and never dead-letters a record. Each transport turns its
/// client library's outage errors into this, and a handler does the same for its own stores, so
/// nothing above the port knows which transport or store it runs on.
/// </summary>
public class LogUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
