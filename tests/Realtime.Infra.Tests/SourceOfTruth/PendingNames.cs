namespace Realtime.Infra.Tests.SourceOfTruth;

/// <summary>
/// Names the manifests use ahead of the code: the server API and connection-token settings are
/// being added by other issues. Each is checked wherever the manifests use it, so both sides stay
/// on one spelling; when the code gains the constant, replace the entry with a read of it.
/// </summary>
public static class PendingNames
{
    /// <summary>The server API's path prefix (/api/&lt;method&gt;), served by fanout.</summary>
    public const string ServerApiPathPrefix = "/api";

    /// <summary>The header that carries the server API key.</summary>
    public const string ServerApiKeyHeader = "X-API-Key";

    /// <summary>Settings the manifests pass that no options class in this build binds yet.</summary>
    public static readonly string[] ConfigurationKeys =
    [
        // Gateway:Token (connection-token verification keys).
        "Gateway__Token__HmacSecretKey",
        "Gateway__Token__RsaPublicKeyPem",
        // The server API key fanout checks against X-API-Key.
        "ServerApi__ApiKey",
    ];
}
