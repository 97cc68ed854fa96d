using Realtime.Testing;

namespace Realtime.Guarantees.Tests.Soak;

/// <summary>
/// Publishes to one channel at a steady pace through whatever happens: a broken connection is
/// replaced (on the other gateway while its own is down), a refused publish (error 100 while a
/// dependency is away) is counted, and only acknowledged ids are kept — the guarantee is about them.
/// </summary>
public sealed class SoakPublisher(RealtimeSystem system, string channel, int gateway)
{
    private int _attempts;

    public string Channel => channel;

    public List<string> Acknowledged { get; } = [];

    public int Refused { get; private set; }

    public int Broken { get; private set; }

    public async Task RunAsync(double perSecond, CancellationToken stop)
    {
        var pause = TimeSpan.FromSeconds(1 / perSecond);
        ProtocolTestClient? client = null;
        var target = gateway;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (client is null)
                {
                    client = await ProtocolTestClient.ConnectSocketAsync(system.WebSocket(target));
                    await client.CommandAsync("connect", new { });
                }

                // Every attempt gets its own id: one whose reply was lost may still have been published.
                var id = $"{channel}#{_attempts++}";
                var reply = await client.CommandAsync("publish", new { channel, data = new { id } }, TimeSpan.FromSeconds(10));
                if (reply["error"] is null)
                {
                    Acknowledged.Add(id);
                }
                else
                {
                    Refused++;
                }
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                // Its gateway died, or the reply did not come: start over on the other gateway.
                Broken++;
                if (client is not null)
                {
                    await client.DisposeAsync();
                    client = null;
                }

                target = 1 - target;
            }

            await Task.Delay(pause, CancellationToken.None);
        }

        if (client is not null)
        {
            await client.DisposeAsync();
        }
    }
}
