using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Realtime.Messaging.Log;

namespace Realtime.Messaging.Dapr;

/// <summary>Registers the Dapr pub/sub transport of the publication log.</summary>
/// <remarks>
/// There is no Aspire client integration for Dapr here; this gives what one would: the
/// <c>DaprClient</c> (endpoints from <c>DAPR_GRPC_ENDPOINT</c> / <c>DAPR_HTTP_ENDPOINT</c> or
/// the <c>*_PORT</c> variables the sidecar injector sets), a readiness check, and the
/// messaging spans and metrics every transport records.
/// </remarks>
public static partial class DaprTransportExtensions
{
    /// <summary>
    /// Appends through the Dapr sidecar: <see cref="ILogProducer"/> is a
    /// <see cref="DaprLogProducer"/>, and the health check <c>publication-log</c> reports whether
    /// the sidecar is ready for outbound calls.
    /// </summary>
    /// <remarks>A <c>DaprClient</c> registered before this call is used as it is.</remarks>
    public static IServiceCollection AddDaprLogProducer(this IServiceCollection services)
    {
        AddDaprPublishing(services);
        services.AddSingleton<ILogProducer>(sp => sp.GetRequiredService<DaprLogProducer>());
        services.AddHealthChecks().AddCheck<DaprSidecarHealthCheck>("publication-log");
        return services;
    }

    /// <summary>
    /// Receives <typeparamref name="THandler"/>'s topic from Dapr. Nothing runs until
    /// <see cref="MapDaprLogSubscriptions"/> maps the routes daprd delivers to.
    /// </summary>
    /// <remarks>
    /// The consumer group is the Dapr app id, not <see cref="ILogHandler.ConsumerGroup"/>: one
    /// app can hold one handler per topic.
    /// </remarks>
    public static IServiceCollection AddDaprLogConsumer<THandler>(this IServiceCollection services) where THandler : class, ILogHandler
    {
        services.TryAddSingleton<THandler>();
        services.AddSingleton(new DaprLogConsumerRegistration(typeof(THandler)));
        services.AddOptions<DaprLogSubscriptionOptions>().ValidateDataAnnotations();
        // Poison records are dead-lettered through Dapr whatever ILogProducer the app appends with.
        AddDaprPublishing(services);
        return services;
    }

    /// <summary>
    /// Maps <c>GET /dapr/subscribe</c> (the subscriptions daprd reads at start-up) and one POST
    /// route per handler added with <see cref="AddDaprLogConsumer{THandler}"/>.
    /// </summary>
    /// <returns>The group of these endpoints, for conventions such as authorization of daprd's <c>dapr-api-token</c>.</returns>
    /// <exception cref="InvalidOperationException">Two handlers share a topic: Dapr delivers a topic to an app once.</exception>
    /// <remarks>
    /// Do not combine with Dapr.AspNetCore's <c>MapSubscribeHandler()</c> (same path) or
    /// <c>UseCloudEvents()</c> (it unwraps the envelope these routes read).
    /// </remarks>
    public static RouteGroupBuilder MapDaprLogSubscriptions(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var logger = services.GetRequiredService<ILogger<DaprLogDelivery>>();
        var subscriptions = SubscriptionsOf(services, logger);
        var document = DaprSubscribeDocument.Json(subscriptions);

        var options = services.GetRequiredService<IOptions<DaprLogSubscriptionOptions>>().Value;
        var token = new DaprAppTokenCheck(options.EffectiveAppApiToken);
        var group = endpoints.MapGroup("");
        group.MapGet("/dapr/subscribe", token.Guard(context => DaprSubscribeDocument.WriteAsync(context.Response, document)));
        if (subscriptions.Count == 0)
        {
            return group;
        }

        var producer = services.GetRequiredService<DaprLogProducer>();
        var messaging = services.GetRequiredService<IOptions<MessagingOptions>>().Value;
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        foreach (var subscription in subscriptions)
        {
            var processor = new LogRecordProcessor(subscription.Handler, producer, messaging, logger);
            var delivery = new DaprLogDelivery(subscription, processor, producer, options, lifetime, logger);
            group.MapPost(subscription.Route, token.Guard(delivery.HandleAsync));
        }

        return group;
    }

    private static void AddDaprPublishing(IServiceCollection services)
    {
        // TryAdd: a DaprClient the app (or a test) registered first wins.
        services.AddDaprClient();
        services.TryAddSingleton<DaprLogProducer>();
    }

    private static List<DaprLogSubscription> SubscriptionsOf(IServiceProvider services, ILogger logger)
    {
        var subscriptions = new List<DaprLogSubscription>();
        foreach (var registration in services.GetServices<DaprLogConsumerRegistration>().DistinctBy(r => r.HandlerType))
        {
            var handler = (ILogHandler)services.GetRequiredService(registration.HandlerType);
            if (subscriptions.Find(s => s.Topic == handler.Topic) is { } taken)
            {
                throw new InvalidOperationException(
                    $"{registration.HandlerType.Name} and {taken.Handler.GetType().Name} both consume '{handler.Topic}': " +
                    "under Dapr one app is one consumer group, so a topic can have one handler per app.");
            }

            subscriptions.Add(new DaprLogSubscription(handler));
        }

        // The sidecar sets APP_ID when it starts the app (dapr run); a mismatch means the group name differs from the other transports'.
        var appId = services.GetService<IConfiguration>()?["APP_ID"];
        foreach (var subscription in subscriptions)
        {
            if (!string.IsNullOrEmpty(appId) && appId != subscription.Handler.ConsumerGroup)
            {
                LogGroupIsAppId(logger, subscription.Topic, subscription.Handler.ConsumerGroup, appId);
            }
        }

        return subscriptions;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Under Dapr, {Topic} is consumed as group '{AppId}' (the Dapr app id), not '{Group}'")]
    private static partial void LogGroupIsAppId(ILogger logger, string topic, string group, string appId);
}
