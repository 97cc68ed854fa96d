namespace Realtime.Contracts;

/// <summary>The presence service's internal HTTP routes.</summary>
public static class PresenceRoutes
{
    public const string Report = "/internal/presence/report";
    public const string Presence = "/internal/presence/{channel}";
    public const string Stats = "/internal/presence/{channel}/stats";

    public const string User = "/internal/presence/users/{user}";

    public static string UserPresenceOf(string user) => $"/internal/presence/users/{Uri.EscapeDataString(user)}";

    public static string PresenceOf(string channel) => $"/internal/presence/{Uri.EscapeDataString(channel)}";

    public static string StatsOf(string channel) => $"/internal/presence/{Uri.EscapeDataString(channel)}/stats";
}
