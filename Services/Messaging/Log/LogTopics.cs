namespace Realtime.Messaging.Log;

/// <summary>
/// The topics of the publication log and the consumer groups that read them. Deployment
/// manifests (KEDA scalers, Dapr components) name the same strings.
/// </summary>
public static class LogTopics
{
    /// <summary>Publications as clients and the server API send them, before sequencing.</summary>
    public const string Publications = "realtime.publications";

    /// <summary>Publications after fanout gave them their channel offset: history's input.</summary>
    public const string Sequenced = "realtime.sequenced";

    public const string FanoutGroup = "fanout";
    public const string HistoryGroup = "history";
}
