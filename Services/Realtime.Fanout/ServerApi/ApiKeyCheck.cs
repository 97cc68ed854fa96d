using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Realtime.Fanout.ServerApi;

/// <summary>Checks the caller's API key, in constant time, from either header Centrifugo accepts.</summary>
internal sealed class ApiKeyCheck(IOptions<ServerApiOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var settings = options.Value;
        if (settings.Insecure)
        {
            return await next(context);
        }

        var headers = context.HttpContext.Request.Headers;
        var presented = headers["X-API-Key"].ToString();
        var authorization = headers.Authorization.ToString();
        if (presented.Length == 0 && authorization.StartsWith("apikey ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["apikey ".Length..].Trim();
        }

        if (string.IsNullOrEmpty(settings.ApiKey) || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(settings.ApiKey)))
        {
            Telemetry.FanoutMetrics.RecordUnauthorized();
            return Results.Json(new { error = new { code = 101, message = "unauthorized" } }, statusCode: StatusCodes.Status401Unauthorized);
        }

        return await next(context);
    }
}
