namespace Realtime.Contracts;

/// <summary>
/// The names services know each other by: AppHost resource names, service-discovery hosts
/// (<c>http://presence</c>) and Kubernetes Service names are the same strings.
/// </summary>
public static class ServiceNames
{
    public const string Connection = "connection";
    public const string Fanout = "fanout";
    public const string History = "history";
    public const string Presence = "presence";

    public const string Redis = "redis";
    public const string HistoryDatabase = "historydb";
    public const string Kafka = "kafka";
}
