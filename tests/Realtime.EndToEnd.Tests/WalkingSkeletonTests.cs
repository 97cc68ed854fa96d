using Aspire.Hosting.Testing;
using Npgsql;
using Realtime.Testing;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// One message travelling end to end through the real components: a client on one gateway
/// instance publishes, a client on the other receives, PostgreSQL stores it.
/// </summary>
[Collection(RealtimeAppCollection.Name)]
public sealed class WalkingSkeletonTests(RealtimeAppFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Publication_from_one_gateway_instance_reaches_a_subscriber_on_the_other_with_offsets_and_is_stored()
    {
        var (clientA, clientB) = await ConnectToTwoDifferentNodesAsync();
        await using var a = clientA;
        await using var b = clientB;
        var channel = $"chat:skeleton-{Guid.NewGuid():N}";

        var subscribedA = await a.CommandAsync("subscribe", new { channel });
        var subscribedB = await b.CommandAsync("subscribe", new { channel });
        Assert.Null(subscribedA["error"]);
        Assert.Null(subscribedB["error"]);

        Assert.Null((await b.CommandAsync("publish", new { channel, data = new { text = "first" } }))["error"]);
        Assert.Null((await b.CommandAsync("publish", new { channel, data = new { text = "second" } }))["error"]);

        var first = await a.NextPublicationAsync(channel, Timeout);
        var second = await a.NextPublicationAsync(channel, Timeout);
        Assert.Equal(1UL, first["push"]!["pub"]!["offset"]!.GetValue<ulong>());
        Assert.Equal("first", first["push"]!["pub"]!["data"]!["text"]!.GetValue<string>());
        Assert.Equal(2UL, second["push"]!["pub"]!["offset"]!.GetValue<ulong>());
        Assert.Equal("second", second["push"]!["pub"]!["data"]!["text"]!.GetValue<string>());

        var rows = await Eventually.ReturnsAsync(() => StoredOffsetsAsync(channel), offsets => offsets.Count == 2, Timeout, "both rows in PostgreSQL");
        Assert.Equal([1L, 2L], rows);
    }

    [Fact]
    public async Task Every_service_reports_healthy()
    {
        foreach (var service in RealtimeAppFixture.Services)
        {
            using var client = fixture.App.CreateHttpClient(service, "http");
            var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode, $"{service} /health answered {(int)response.StatusCode}");
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>
    /// Both gateway instances sit behind one address; connections are opened until two land on
    /// different nodes (the connect reply names the node). Bounded, so a broken balancer fails.
    /// </summary>
    private async Task<(ProtocolTestClient, ProtocolTestClient)> ConnectToTwoDifferentNodesAsync()
    {
        var byNode = new Dictionary<string, ProtocolTestClient>();
        var spare = new List<ProtocolTestClient>();
        for (var attempt = 0; attempt < 20 && byNode.Count < 2; attempt++)
        {
            var client = await ProtocolTestClient.ConnectSocketAsync(fixture.WebSocketEndpoint);
            var reply = await client.CommandAsync("connect", new { });
            var node = reply["connect"]?["node"]?.GetValue<string>() ?? throw new InvalidOperationException($"connect failed: {reply}");
            if (!byNode.TryAdd(node, client))
            {
                spare.Add(client);
            }
        }

        foreach (var client in spare)
        {
            await client.DisposeAsync();
        }

        Assert.True(byNode.Count == 2, "20 connections all landed on one gateway instance");
        var clients = byNode.Values.ToArray();
        return (clients[0], clients[1]);
    }

    private async Task<List<long>> StoredOffsetsAsync(string channel)
    {
        var connectionString = await fixture.App.GetConnectionStringAsync("postgres");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "offset" FROM publications WHERE channel = $1 ORDER BY "offset" """, connection);
        command.Parameters.AddWithValue(channel);
        var offsets = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            offsets.Add(reader.GetInt64(0));
        }

        return offsets;
    }
}
