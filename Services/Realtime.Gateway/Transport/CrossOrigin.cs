using Microsoft.Extensions.Primitives;

namespace Realtime.Gateway.Transport;

/// <summary>
/// CORS for the HTTP transports: a browser page served from another origin streams with
/// <c>fetch</c> or <c>EventSource</c> and posts emulation requests, so an allowed origin
/// (<see cref="GatewayOptions.AllowedOrigins"/>, the WebSocket's rule) is told so, credentials
/// included, and the JSON content type's preflight is answered.
/// </summary>
internal static class CrossOrigin
{
    /// <summary>Adds the response headers that let an allowed origin read the response.</summary>
    public static void Allow(HttpContext context, StringValues origin)
    {
        if (StringValues.IsNullOrEmpty(origin))
        {
            return;
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowCredentials = "true";
        headers.Vary = "Origin";
    }

    /// <summary>Answers a preflight <c>OPTIONS</c> request: 204 for an allowed origin, 403 otherwise.</summary>
    public static IResult Preflight(HttpContext context, GatewayNode node)
    {
        var origin = context.Request.Headers.Origin;
        if (StringValues.IsNullOrEmpty(origin) || !OriginPolicy.IsAllowed(origin, node.Options.AllowedOrigins))
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        Allow(context, origin);
        var headers = context.Response.Headers;
        headers.AccessControlAllowMethods = "GET, POST, OPTIONS";
        headers.AccessControlAllowHeaders = "Content-Type";
        headers.AccessControlMaxAge = "600";
        return Results.NoContent();
    }
}
