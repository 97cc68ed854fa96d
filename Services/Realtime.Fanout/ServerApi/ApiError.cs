namespace Realtime.Fanout.ServerApi;

/// <summary>An error answered in the body (<c>{"error":{"code":…,"message":…}}</c>), as Centrifugo's API does.</summary>
internal sealed class ApiError(int code, string message) : Exception(message)
{
    public int Code { get; } = code;

    public static ApiError BadRequest(string what) => new(107, "bad request: " + what);

    public static ApiError UnknownChannel() => new(102, "unknown channel");

    public static ApiError NotAvailable() => new(108, "not available");

    public static ApiError MethodNotFound() => new(104, "method not found");

    public static ApiError UnrecoverablePosition() => new(112, "unrecoverable position");
}
