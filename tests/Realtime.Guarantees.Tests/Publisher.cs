using Realtime.Testing;

namespace Realtime.Guarantees.Tests;

/// <summary>
/// Publishes numbered messages to one channel, one at a time, and keeps the ids the server
/// acknowledged. A publish whose reply never came (its gateway died) is not counted: the
/// guarantee covers acknowledged publications.
/// </summary>
public sealed class Publisher(string name, string channel) : IAsyncDisposable
{
    private ProtocolTestClient? _client;
    private int _attempts;

    public List<string> Acknowledged { get; } = [];

    public string Name => name;

    public async Task ConnectAsync(Uri gateway)
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        _client = await ProtocolTestClient.ConnectSocketAsync(gateway);
        await _client.CommandAsync("connect", new { });
    }

    /// <summary>Publishes until <paramref name="count"/> were acknowledged or the connection broke; returns false on a break.</summary>
    public async Task<bool> PublishAsync(int count, Func<int, Task>? afterEach = null)
    {
        for (var i = 0; i < count; i++)
        {
            // Every attempt gets its own id: an attempt whose reply was lost may still have been published.
            var id = $"{name}-{_attempts++}";
            try
            {
                var reply = await _client!.CommandAsync("publish", new { channel, data = new { id } }, TimeSpan.FromSeconds(10));
                if (reply["error"] is not null)
                {
                    throw new InvalidOperationException($"publish refused: {reply}");
                }
            }
            catch (Exception e) when (e is InvalidOperationException { Message: var m } && m.StartsWith("Connection closed", StringComparison.Ordinal)
                                      || e is System.Net.WebSockets.WebSocketException or TimeoutException
                                      // Sending on a connection the killed gateway reset fails as a cancelled send.
                                      || e is OperationCanceledException { InnerException: IOException })
            {
                return false;
            }

            Acknowledged.Add(id);
            if (afterEach is not null)
            {
                await afterEach(Acknowledged.Count);
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
    }
}
