using Microsoft.AspNetCore.Http.Features;
using Realtime.Gateway.Clients;
using Realtime.Gateway.Proxy;

namespace Realtime.Gateway.Transport;

/// <summary>
/// What the HTTP-streaming and SSE endpoints share: the WebSocket's admission (drain, origin,
/// node limit), the connect command's size limit, a response that streams unbuffered, and a
/// session that runs until the client goes away or is disconnected.
/// </summary>
internal static class EmulatedConnection
{
    public static async Task ServeAsync(
        HttpContext context,
        GatewayNode node,
        DrainService drain,
        ProxyOptions proxy,
        ILogger logger,
        string contentType,
        Func<CancellationToken, Task<byte[]?>> readConnect,
        Func<byte[], EmulatedTransport> createTransport)
    {
        var origin = context.Request.Headers.Origin;
        if (!ClientAdmission.TryAdmit(context, node, drain, logger))
        {
            return;
        }

        EmulatedTransport transport;
        try
        {
            var connect = await readConnect(context.RequestAborted);
            if (connect is null || connect.Length == 0)
            {
                context.Response.StatusCode = connect is null ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
                node.Sessions.CloseSocket();
                return;
            }

            CrossOrigin.Allow(context, origin);
            var response = context.Response;
            response.ContentType = contentType;
            response.Headers.CacheControl = "no-cache";
            // Proxies that buffer (nginx) would hold the stream back; this asks them not to.
            response.Headers["X-Accel-Buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await response.StartAsync(context.RequestAborted);
            await response.BodyWriter.FlushAsync(context.RequestAborted);
            transport = createTransport(connect);
        }
        catch
        {
            node.Sessions.CloseSocket();
            throw;
        }

        try
        {
            await ClientAdmission.ServeAsync(transport, node, WebSocketEndpoint.ProxyHeaders(context.Request.Headers, proxy.HttpHeaders));
        }
        finally
        {
            await transport.FinishAsync();
        }
    }
}
