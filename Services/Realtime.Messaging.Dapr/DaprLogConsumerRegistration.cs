namespace Realtime.Messaging.Dapr;

/// <summary>
/// One <see cref="Log.ILogHandler"/> that receives its topic through Dapr. The registrations
/// in the container are the registry <see cref="DaprTransportExtensions.MapDaprLogSubscriptions"/>
/// serves: daprd pushes events, so there is no consumer loop to start, only endpoints to map.
/// </summary>
internal sealed record DaprLogConsumerRegistration(Type HandlerType);
