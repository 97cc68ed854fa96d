using System.Text.Json.Nodes;
using Realtime.Testing;

namespace Realtime.Guarantees.Tests;

/// <summary>
/// A subscriber that records every publication it sees, in arrival order, and — when its
/// gateway dies — reconnects elsewhere and recovers from the last position it had.
/// </summary>
public sealed class TrackingSubscriber : IAsyncDisposable
{
    private readonly string _channel;
    private ProtocolTestClient _client = null!;
    private Task _pump = Task.CompletedTask;
    private CancellationTokenSource _stop = new();

    private TrackingSubscriber(string channel) => _channel = channel;

    /// <summary>Offsets and publisher ids in the order they arrived (live or recovered).</summary>
    public List<(ulong Offset, string Id)> Received { get; } = [];

    public string Epoch { get; private set; } = "";

    public bool? LastRecovered { get; private set; }

    public static async Task<TrackingSubscriber> StartAsync(Uri gateway, string channel)
    {
        var subscriber = new TrackingSubscriber(channel);
        await subscriber.ConnectAsync(gateway, recover: false);
        return subscriber;
    }

    /// <summary>Reconnects (after its gateway died) and recovers what it missed.</summary>
    public async Task ReconnectAsync(Uri gateway)
    {
        await _stop.CancelAsync();
        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _client.DisposeAsync();
        _stop.Dispose();
        _stop = new CancellationTokenSource();
        await ConnectAsync(gateway, recover: true);
    }

    /// <summary>Whether its connection is gone (its gateway died, or the server closed it).</summary>
    public bool Disconnected => _pump.IsCompleted;

    public int Count
    {
        get
        {
            lock (Received)
            {
                return Received.Count;
            }
        }
    }

    private async Task ConnectAsync(Uri gateway, bool recover)
    {
        _client = await ProtocolTestClient.ConnectSocketAsync(gateway);
        await _client.CommandAsync("connect", new { });
        ulong last;
        lock (Received)
        {
            last = Received.Count > 0 ? Received[^1].Offset : 0;
        }

        var reply = recover
            ? await _client.CommandAsync("subscribe", new { channel = _channel, recoverable = true, recover = true, offset = last, epoch = Epoch })
            : await _client.CommandAsync("subscribe", new { channel = _channel, recoverable = true });
        var result = reply["subscribe"]?.AsObject() ?? throw new InvalidOperationException($"subscribe failed: {reply}");
        Epoch = result["epoch"]?.GetValue<string>() ?? Epoch;
        LastRecovered = result["recovered"]?.GetValue<bool>() ?? false;
        if (result["publications"] is JsonArray recovered)
        {
            foreach (var publication in recovered)
            {
                Record(publication!.AsObject());
            }
        }

        _pump = PumpAsync(_client, _stop.Token);
    }

    private async Task PumpAsync(ProtocolTestClient client, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var push = await client.NextPublicationAsync(_channel, TimeSpan.FromMinutes(5));
                Record(push["push"]!["pub"]!.AsObject());
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            // Connection gone or stopped: the owner reconnects when it wants to.
        }
    }

    private void Record(JsonObject publication)
    {
        lock (Received)
        {
            Received.Add((publication["offset"]!.GetValue<ulong>(), publication["data"]!["id"]!.GetValue<string>()));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _client.DisposeAsync();
        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
