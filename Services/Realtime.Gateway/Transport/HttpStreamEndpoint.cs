using Microsoft.Extensions.Options;
using Realtime.Gateway.Clients;
using Realtime.Gateway.Proxy;
using Realtime.Protocol;

namespace Realtime.Gateway.Transport;

/// <summary>
/// <c>POST /connection/http_stream</c>: Centrifugo's HTTP-streaming transport. The body is the
/// connect command (JSON, or length-delimited Protobuf with an <c>application/octet-stream</c>
/// body or <c>?cf_protocol=protobuf</c>); the response streams every reply and push; later
/// commands come through <see cref="EmulationEndpoint"/>.
/// </summary>
internal static class HttpStreamEndpoint
{
    public const string Path = "/connection/http_stream";

    public static IEndpointRouteBuilder MapClientHttpStream(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, HandleAsync);
        app.MapMethods(Path, [HttpMethods.Options], CrossOrigin.Preflight);
        return app;
    }

    private static Task HandleAsync(HttpContext context, GatewayNode node, DrainService drain, IOptions<ProxyOptions> proxy, ILogger<GatewayNode> logger)
    {
        var format = IsProtobuf(context.Request) ? ProtocolFormat.Protobuf : ProtocolFormat.Json;
        return EmulatedConnection.ServeAsync(
            context, node, drain, proxy.Value, logger,
            format == ProtocolFormat.Protobuf ? "application/octet-stream" : "application/json",
            cancellation => RequestBody.ReadAsync(context.Request, node.Options.MaxFrameSize, cancellation),
            connect => new HttpStreamTransport(context, format, connect, node.Options.MaxPendingEmulationRequests));
    }

    internal static bool IsProtobuf(HttpRequest request) =>
        request.ContentType?.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) == true
        || request.Query["cf_protocol"] == "protobuf";
}
