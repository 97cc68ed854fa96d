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

    /// <summary>Records that failed <c>N</c> times are moved here (<c>{topic}.deadletter</c>), never dropped.</summary>
    public static string DeadLetter(string topic) => topic + ".deadletter";

    /// <summary>The Dapr pub/sub component the Dapr transport publishes and subscribes through.</summary>
    public const string DaprPubSubName = "realtime-pubsub";
}
