using Microsoft.Extensions.Logging;

namespace Realtime.Auth;

// Source-generated so that logging costs nothing when the level is off; no message carries a token or a key.
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Fetched JWKS with {KeyCount} usable signing keys")]
    public static partial void JwksFetched(ILogger logger, int keyCount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Fetching JWKS failed; {Fallback}")]
    public static partial void JwksFetchFailed(ILogger logger, Exception exception, string fallback);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Skipped JWKS key {KeyId}: not an RSA or EC signing key, or malformed")]
    public static partial void JwksKeySkipped(ILogger logger, string? keyId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "HmacSecretKey is {Length} bytes, shorter than the {Minimum} RFC 7518 asks for; accepted because AllowShortHmacKey is on (a short secret can be guessed)")]
    public static partial void ShortHmacKey(ILogger logger, int length, int minimum);
}
