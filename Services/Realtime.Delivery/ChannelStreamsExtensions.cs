using Microsoft.Extensions.DependencyInjection;
using Realtime.Contracts;

namespace Realtime.Delivery;

public static class ChannelStreamsExtensions
{
    /// <summary>The delivery layout's options (<c>Delivery</c>), bound and validated at start-up: every service uses the same keys.</summary>
    public static IServiceCollection AddDeliveryOptions(this IServiceCollection services)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    /// <summary>Channel stream positions for services other than history, which ask it for durable tops.</summary>
    public static IServiceCollection AddChannelStreamsWithHistoryTops(this IServiceCollection services)
    {
        services.AddHttpClient(HistoryServiceStreamTops.HttpClientName, client => client.BaseAddress = new Uri($"http://{ServiceNames.History}"));
        services.AddSingleton<IDurableStreamTops, HistoryServiceStreamTops>();
        services.AddSingleton<ChannelStreams>();
        return services;
    }
}
