using Realtime.Gateway.Proxy;
using Realtime.Protocol;
using Realtime.Protocol.Codes;
using Realtime.Protocol.Commands;

namespace Realtime.Gateway.Clients;

/// <summary>Commands addressed to the application backend rather than to channels: RPCs and asynchronous messages.</summary>
internal sealed partial class ClientSession
{
    /// <summary>
    /// An RPC goes to the application backend's RPC proxy; without one RPC is not available here
    /// (108, as Centrifugo answers). Whether a method exists (104) is the backend's to say.
    /// </summary>
    private async Task HandleRpcAsync(uint id, RpcRequest request)
    {
        if (_node.Proxies.Options.RpcEndpoint is not { } endpoint)
        {
            ReplyError(id, ProtocolError.NotAvailable);
            return;
        }

        var outcome = await _node.Proxies.CallAsync(endpoint, ProxyRequestFor() with
        {
            Method = request.RpcMethod,
            Data = ProxyClient.ToElement(request.Data),
        }, _closed.Token);
        if (!Accept(id, outcome))
        {
            return;
        }

        var data = ProxyClient.FromProxy(outcome.Result!.Data, outcome.Result.B64Data);
        Push(ProtocolFrames.Rpc(Format, id, data));
    }

    /// <summary>
    /// An asynchronous message goes to the backend's send proxy and gets no reply; the backend
    /// may still end the connection. Without a send proxy the message is counted and dropped.
    /// Awaited, so a client's messages reach the backend in the order it sent them.
    /// </summary>
    private async Task HandleSendAsync(SendRequest request)
    {
        if (_node.Proxies.Options.SendEndpoint is not { } endpoint)
        {
            return;
        }

        var outcome = await _node.Proxies.CallAsync(endpoint, ProxyRequestFor() with { Data = ProxyClient.ToElement(request.Data) }, _closed.Token);
        if (outcome.Disconnect is { } disconnect)
        {
            Close(disconnect);
        }
    }
}
