using Realtime.Messaging.Log;

namespace Realtime.Messaging.Dapr;

/// <summary>
/// A handler's topic as a Dapr programmatic subscription: the route daprd POSTs its events to,
/// and the dead-letter topic daprd itself uses for events it cannot deliver.
/// </summary>
/// <remarks>
/// The handler's <see cref="ILogHandler.ConsumerGroup"/> names no broker group here: under
/// Dapr the consumer group is the Dapr app id (the component's <c>consumerID</c> defaults to
/// it), so one app is one group and every instance of the app shares its topics' events. Deploy
/// fanout with app id <c>fanout</c> and history with app id <c>history</c> to keep the group
/// names the other transports use.
/// </remarks>
internal sealed record DaprLogSubscription(ILogHandler Handler)
{
    public string Topic => Handler.Topic;

    public string DeadLetterTopic => LogTopics.DeadLetter(Handler.Topic);

    /// <summary>The path daprd POSTs the topic's events to.</summary>
    public string Route => $"/realtime/log/{Handler.ConsumerGroup}/{Handler.Topic}";
}
