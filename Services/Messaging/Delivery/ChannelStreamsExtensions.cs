using Microsoft.Extensions.DependencyInjection;
using Realtime.Contracts;

namespace Realtime.Messaging.Delivery;

public static class ChannelStreamsExtensions
{
    /// <summary>Channel stream positions for services other than history, which ask it for durable tops.</summary>
    public static IServiceCollection AddChannelStreamsWithHistoryTops(this IServiceCollection services)
    {
        services.AddHttpClient(HistoryServiceStreamTops.HttpClientName, client => client.BaseAddress = new Uri($"http://{ServiceNames.History}"));
        services.AddSingleton<IDurableStreamTops, HistoryServiceStreamTops>();
        services.AddSingleton<ChannelStreams>();
        return services;
    }
}
