using System.Threading.Channels;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Realtime.Messaging.Dapr.Tests;

/// <summary>A publish daprd received, with the gRPC headers it came with.</summary>
public sealed record ReceivedPublish(PublishEventRequest Request, IReadOnlyDictionary<string, string> Headers);

/// <summary>daprd's publish API, recording what it receives and failing when told.</summary>
public sealed class FakeDaprApi : DaprApiBase
{
    private readonly Channel<ReceivedPublish> _published = Channel.CreateUnbounded<ReceivedPublish>();
    private int _failuresLeft;

    /// <summary>What the next publishes fail with (and how many of them), as daprd would answer.</summary>
    public StatusCode FailWith { get; private set; } = StatusCode.OK;

    public bool OutboundHealthy { get; set; } = true;

    public void Fail(StatusCode code, int times = int.MaxValue)
    {
        FailWith = code;
        Volatile.Write(ref _failuresLeft, times);
    }

    public override Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context)
    {
        if (FailWith != StatusCode.OK && Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new RpcException(new Status(FailWith, "fake daprd refuses"));
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in context.RequestHeaders.Where(h => !h.IsBinary))
        {
            headers[header.Key] = header.Value;
        }

        _published.Writer.TryWrite(new ReceivedPublish(request, headers));
        return Task.FromResult(new Empty());
    }

    public async Task<ReceivedPublish> NextPublishAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return await _published.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"fake daprd received no publish within {timeout}");
        }
    }

    /// <summary>Publishes received so far and not yet taken.</summary>
    public int Pending => _published.Reader.Count;
}
