using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Realtime.Messaging.Dapr;

/// <summary>
/// Admits only daprd to the subscription routes: when an app API token is configured (daprd is
/// given the same one as <c>APP_API_TOKEN</c> and sends it as <c>dapr-api-token</c> on every call
/// to the app), a request without it, or with another, is refused with 401 — otherwise anyone who
/// reaches the app could inject log records.
/// </summary>
internal sealed class DaprAppTokenCheck(string? token)
{
    public const string Header = "dapr-api-token";

    private readonly byte[]? _expected = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes(token);

    /// <summary>The route's handler behind the check.</summary>
    public RequestDelegate Guard(RequestDelegate handler) => _expected is null ? handler : context =>
    {
        var presented = Encoding.UTF8.GetBytes(context.Request.Headers[Header].ToString());
        if (!CryptographicOperations.FixedTimeEquals(presented, _expected))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        return handler(context);
    };
}
