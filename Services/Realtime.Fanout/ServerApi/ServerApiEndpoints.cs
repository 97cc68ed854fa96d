using System.Text.Json;
using System.Text.Json.Nodes;

namespace Realtime.Fanout.ServerApi;

/// <summary>
/// Centrifugo's HTTP server API at one base URL: <c>POST /api/&lt;method&gt;</c> with a JSON
/// body, answered <c>{"result":…}</c> or <c>{"error":{"code":…,"message":…}}</c>.
/// </summary>
internal static class ServerApiEndpoints
{
    public const string Prefix = "/api";

    public static IEndpointRouteBuilder MapServerApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Prefix + "/{method}", async (string method, HttpRequest request, ServerApiCommands commands, CancellationToken cancellationToken) =>
        {
            JsonElement body;
            try
            {
                using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
                body = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return Error(ApiError.BadRequest("body is not JSON"));
            }

            if (body.ValueKind != JsonValueKind.Object)
            {
                return Error(ApiError.BadRequest("body must be an object"));
            }

            try
            {
                var result = await commands.ExecuteAsync(method, body, cancellationToken);
                return Results.Json(new JsonObject { ["result"] = result });
            }
            catch (ApiError error)
            {
                return Error(error);
            }
        }).AddEndpointFilter<ApiKeyCheck>();
        return app;
    }

    private static IResult Error(ApiError error) =>
        Results.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = error.Code, ["message"] = error.Message } });
}
