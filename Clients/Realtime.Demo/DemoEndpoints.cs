using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Realtime.Demo;

/// <summary>
/// The demo backend's HTTP API. Signing in is a name in a cookie (a demo has no passwords); what
/// matters is what a real backend does next: sign tokens for its own users and call the server API.
/// </summary>
public static partial class DemoEndpoints
{
    private const string UserCookie = "demo-user";

    /// <summary>The room the demo's announcements go to; the backend publishes nowhere else.</summary>
    public const string Lobby = "chat:lobby";

    private const int MaxAnnouncementLength = 280;

    public static void MapDemo(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles();

        // The browser SDK, from the npm package installed next to the project.
        app.MapGet("/vendor/centrifuge.js", (IWebHostEnvironment environment) =>
        {
            var path = Path.Combine(environment.ContentRootPath, "node_modules", "centrifuge", "dist", "centrifuge.js");
            return File.Exists(path)
                ? Results.File(path, "text/javascript")
                : Results.Problem($"The centrifuge SDK is not installed: run npm ci in {environment.ContentRootPath} (eng/prerequisites.sh does).");
        });

        app.MapGet("/api/config", (IOptions<DemoOptions> options) =>
        {
            var gateway = new UriBuilder(options.Value.GatewayUrl!) { Scheme = options.Value.GatewayUrl!.Scheme == "https" ? "wss" : "ws", Path = "/connection/websocket" };
            return Results.Ok(new { webSocket = gateway.Uri.ToString() });
        });

        app.MapPost("/api/login", (LoginRequest login, HttpContext context) =>
        {
            if (!ValidName().IsMatch(login.Name ?? ""))
            {
                return Results.BadRequest(new { error = "a name is 1–24 letters, digits, '-' or '_'" });
            }

            context.Response.Cookies.Append(UserCookie, login.Name!, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict });
            return Results.Ok(new { user = login.Name });
        });

        app.MapGet("/api/token", (HttpContext context, DemoTokens tokens) =>
            UserOf(context) is { } user ? Results.Ok(new { token = tokens.Connection(user) }) : Results.Unauthorized());

        // A subscription token only for the user's own private room: a backend signs what its user may read, nothing more.
        app.MapGet("/api/subscription-token", (string channel, HttpContext context, DemoTokens tokens) =>
            UserOf(context) is not { } user ? Results.Unauthorized()
            : channel == PrivateRoomOf(user) ? Results.Ok(new { token = tokens.Subscription(user, channel) })
            : Results.StatusCode(StatusCodes.Status403Forbidden));

        app.MapPost("/api/announce", async (AnnounceRequest announce, HttpContext context, ServerApiClient api, CancellationToken cancellationToken) =>
        {
            if (UserOf(context) is null || string.IsNullOrWhiteSpace(announce.Text) || announce.Text.Length > MaxAnnouncementLength)
            {
                return Results.BadRequest();
            }

            await api.AnnounceAsync(Lobby, announce.Text, cancellationToken);
            return Results.NoContent();
        });

        // Moderation: only the configured moderator may remove someone.
        app.MapPost("/api/kick", async (KickRequest kick, HttpContext context, ServerApiClient api, IOptions<DemoOptions> options, CancellationToken cancellationToken) =>
        {
            if (UserOf(context) != options.Value.Moderator)
            {
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }

            if (!ValidName().IsMatch(kick.User ?? ""))
            {
                return Results.BadRequest();
            }

            await api.KickAsync(kick.User!, cancellationToken);
            return Results.NoContent();
        });
    }

    /// <summary>The private room a user may read: <c>$chat:room-{user}</c>.</summary>
    public static string PrivateRoomOf(string user) => $"$chat:room-{user}";

    private static string? UserOf(HttpContext context) =>
        context.Request.Cookies.TryGetValue(UserCookie, out var user) && ValidName().IsMatch(user) ? user : null;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,24}$")]
    private static partial Regex ValidName();

    public sealed record LoginRequest(string? Name);

    public sealed record AnnounceRequest(string? Text);

    public sealed record KickRequest(string? User);
}
