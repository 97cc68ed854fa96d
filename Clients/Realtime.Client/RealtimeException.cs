namespace Realtime.Client;

/// <summary>An error reply from the server (protocol error codes: 100 internal, 103 permission denied, 109 token expired …).</summary>
public sealed class RealtimeException(int code, string message, bool temporary = false)
    : Exception($"{code}: {message}")
{
    /// <summary>The protocol error code.</summary>
    public int Code { get; } = code;

    /// <summary>The server says retrying may succeed.</summary>
    public bool Temporary { get; } = temporary;

    /// <summary>The code of an expired token: ask for a new one.</summary>
    public const int TokenExpired = 109;
}

/// <summary>The server disconnected the client for good (codes 3500–3999, 4500–4999): the client does not reconnect.</summary>
public sealed class TerminalDisconnectException(int code, string reason) : Exception($"disconnected for good: {code} {reason}")
{
    /// <summary>The close code.</summary>
    public int Code { get; } = code;

    /// <summary>The server's reason.</summary>
    public string Reason { get; } = reason;
}
