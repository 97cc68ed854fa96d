using Realtime.Gateway.Telemetry;
using Realtime.Protocol;
using Realtime.Protocol.Commands;
using Realtime.Protocol.Emulation;

namespace Realtime.Gateway.Transport;

/// <summary>
/// <c>POST /emulation</c>: a later command batch of an HTTP-streaming or SSE session. The
/// request may reach any node behind the load balancer; the session's node gets it through
/// the <see cref="EmulationRelay"/>. 204 once the commands are on their way (their replies
/// stream over the session's response), 404 when no node holds the session.
/// </summary>
internal static class EmulationEndpoint
{
    public const string Path = "/emulation";

    /// <summary>Room for the request's own fields around commands of the largest frame size.</summary>
    private const int EnvelopeBytes = 4096;

    public static IEndpointRouteBuilder MapClientEmulation(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, HandleAsync);
        app.MapMethods(Path, [HttpMethods.Options], CrossOrigin.Preflight);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, GatewayNode node, EmulationRelay relay)
    {
        var origin = context.Request.Headers.Origin;
        if (!OriginPolicy.IsAllowed(origin, node.Options.AllowedOrigins))
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        CrossOrigin.Allow(context, origin);
        // JSON commands travel as a JSON string, so escaping may grow them up to sixfold.
        var limit = node.Options.MaxFrameSize * 6 + EnvelopeBytes;
        var body = await RequestBody.ReadAsync(context.Request, limit, context.RequestAborted);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        EmulationRequest request;
        try
        {
            request = EmulationRequest.Parse(HttpStreamEndpoint.IsProtobuf(context.Request) ? ProtocolFormat.Protobuf : ProtocolFormat.Json, body);
        }
        catch (MalformedCommandException)
        {
            return Results.BadRequest();
        }

        var outcome = await relay.DeliverAsync(request);
        GatewayMetrics.EmulationRequests.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant()));
        return outcome == EmulationOutcome.Unknown ? Results.NotFound() : Results.NoContent();
    }
}
