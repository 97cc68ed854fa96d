using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Realtime.Gateway.Clients;
using Realtime.Gateway.Proxy;
using Realtime.Protocol;

namespace Realtime.Gateway.Transport;

/// <summary>
/// Accepts client WebSockets at the connection, before Kestrel's HTTP layer: a plain HTTP/1.1
/// <c>GET /connection/websocket</c> upgrade is answered here and the WebSocket runs straight
/// over the socket's pipes (<see cref="ConnectionStream"/>). Every other connection (other
/// paths, HTTP/2, TLS handshakes) goes on to Kestrel untouched. Skipping the HTTP request that an
/// upgraded connection otherwise keeps for its whole life (its parser, header collections,
/// context, features and stream wrappers) saves several KiB per idle connection and a few
/// layers of copying and locking per frame (./eng/bench.sh idle and im measure it). The
/// decisions are the endpoint's (<see cref="ClientAdmission"/>); the head is read within
/// <see cref="GatewayOptions.UpgradeTimeout"/> and Kestrel's header size limit.
/// </summary>
internal sealed class DirectUpgradeMiddleware(ConnectionDelegate next, IServiceProvider services, KestrelServerLimits limits)
{
    private readonly GatewayNode _node = services.GetRequiredService<GatewayNode>();
    private readonly DrainService _drain = services.GetRequiredService<DrainService>();
    private readonly ProxyOptions _proxy = services.GetRequiredService<IOptions<ProxyOptions>>().Value;
    private readonly ILogger _logger = services.GetRequiredService<ILogger<GatewayNode>>();

    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        HeadRead read;
        using (var timeout = new CancellationTokenSource(_node.Options.UpgradeTimeout))
        {
            try
            {
                read = await ReadHeadAsync(connection.Transport.Input, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                connection.Abort(new ConnectionAbortedException("The request head did not arrive in time."));
                return;
            }
        }

        switch (read.Outcome)
        {
            case HeadOutcome.NotOurs:
                await next(connection);
                return;
            case HeadOutcome.Ended:
                return;
            case HeadOutcome.TooLarge:
                await RespondAsync(connection, "431 Request Header Fields Too Large");
                return;
            case HeadOutcome.Malformed:
                await RespondAsync(connection, "400 Bad Request");
                return;
        }

        await UpgradeAsync(connection, read.Head!);
    }

    private async Task UpgradeAsync(ConnectionContext connection, UpgradeRequestHead head)
    {
        if (!head.UpgradesToWebSocket || !head.ConnectionUpgrade || !head.HasValidKey())
        {
            await RespondAsync(connection, "400 Bad Request");
            return;
        }

        if (head.Version != "13")
        {
            await RespondAsync(connection, "426 Upgrade Required", "Sec-WebSocket-Version: 13\r\n");
            return;
        }

        switch (ClientAdmission.Admit(_node, _drain, head.Origin, _logger))
        {
            case AdmissionVerdict.Draining:
                await RespondAsync(connection, "503 Service Unavailable");
                return;
            case AdmissionVerdict.OriginRejected:
                await RespondAsync(connection, "403 Forbidden");
                return;
            case AdmissionVerdict.Full:
                await RespondAsync(connection, "503 Service Unavailable", $"Retry-After: {ClientAdmission.FullRetryAfterSeconds}\r\n");
                return;
        }

        WebSocket socket;
        try
        {
            var accepted = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: " + UpgradeRequestHead.AcceptFor(head.Key!) + "\r\n"
                + (head.OffersProtobufSubprotocol ? "Sec-WebSocket-Protocol: " + ClientAdmission.ProtobufSubprotocol + "\r\n" : "") + "\r\n";
            await connection.Transport.Output.WriteAsync(Encoding.ASCII.GetBytes(accepted));
            // Keep-alive is ours (protocol pings), not the WebSocket layer's.
            socket = WebSocket.CreateFromStream(new ConnectionStream(connection), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        }
        catch
        {
            _node.Sessions.CloseSocket();
            throw;
        }

        using (socket)
        {
            var format = head.OffersProtobufSubprotocol || head.QueryAsksProtobuf ? ProtocolFormat.Protobuf : ProtocolFormat.Json;
            await ClientAdmission.ServeAsync(socket, _node, head.ProxyHeaders, format);
            if (socket.State != WebSocketState.Closed)
            {
                // No clean close handshake (aborted, or the client vanished): nothing left to flush.
                connection.Abort(new ConnectionAbortedException("The WebSocket ended without a close handshake."));
            }
        }
    }

    /// <summary>
    /// Reads until it can tell whether the connection is a direct upgrade and, if it is, until
    /// its whole head has arrived. Nothing is consumed unless the head is ours.
    /// </summary>
    private async Task<HeadRead> ReadHeadAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var candidate = UpgradeRequestHead.IsCandidate(buffer);
            if (candidate == false || (candidate is null && result.IsCompleted))
            {
                // Not ours: Kestrel reads these bytes again from the start. Marking them
                // unexamined (even after waiting on them) makes its first read return at once.
                input.AdvanceTo(buffer.Start);
                return new HeadRead(HeadOutcome.NotOurs, null);
            }

            if (candidate == true && UpgradeRequestHead.FindEnd(buffer) is { } end)
            {
                var head = Parse(buffer.Slice(0, end));
                input.AdvanceTo(end);
                return head is null ? new HeadRead(HeadOutcome.Malformed, null) : new HeadRead(HeadOutcome.Upgrade, head);
            }

            if (buffer.Length > limits.MaxRequestHeadersTotalSize)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                return new HeadRead(HeadOutcome.TooLarge, null);
            }

            if (result.IsCompleted)
            {
                input.AdvanceTo(buffer.End);
                return new HeadRead(HeadOutcome.Ended, null);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private UpgradeRequestHead? Parse(ReadOnlySequence<byte> head)
    {
        if (head.IsSingleSegment)
        {
            return UpgradeRequestHead.Parse(head.FirstSpan, _proxy.HttpHeaders);
        }

        var copy = ArrayPool<byte>.Shared.Rent((int)head.Length);
        try
        {
            head.CopyTo(copy);
            return UpgradeRequestHead.Parse(copy.AsSpan(0, (int)head.Length), _proxy.HttpHeaders);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>Answers a refused upgrade and closes the connection, as Kestrel would.</summary>
    private static async Task RespondAsync(ConnectionContext connection, string status, string extraHeaders = "")
    {
        var response = "HTTP/1.1 " + status + "\r\n" + extraHeaders + "Content-Length: 0\r\nConnection: close\r\n\r\n";
        await connection.Transport.Output.WriteAsync(Encoding.ASCII.GetBytes(response));
    }

    private enum HeadOutcome
    {
        NotOurs,
        Upgrade,
        Malformed,
        TooLarge,
        Ended,
    }

    private readonly record struct HeadRead(HeadOutcome Outcome, UpgradeRequestHead? Head);
}
