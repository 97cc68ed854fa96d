using Microsoft.Extensions.Options;

namespace Realtime.Demo;

/// <summary>
/// The server API as an application backend calls it (POST /api/{method} on fanout, with the API
/// key): here a system announcement and a moderation disconnect.
/// </summary>
public sealed class ServerApiClient(HttpClient http, IOptions<DemoOptions> options)
{
    public Task AnnounceAsync(string channel, string text, CancellationToken cancellationToken) =>
        CallAsync("publish", new { channel, data = new { text } }, cancellationToken);

    /// <summary>Disconnects every connection of <paramref name="user"/>; code 4501 tells its SDK not to reconnect.</summary>
    public Task KickAsync(string user, CancellationToken cancellationToken) =>
        CallAsync("disconnect", new { user, disconnect = new { code = 4501, reason = "removed by a moderator" } }, cancellationToken);

    private async Task CallAsync(string method, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/{method}") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-API-Key", options.Value.ServerApiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
