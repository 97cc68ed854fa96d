using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Realtime.Messaging.Log;
using Realtime.Messaging.Publications;

namespace Realtime.Messaging;

/// <summary>Registers the publication log with the transport chosen by <c>Messaging:Transport</c>.</summary>
public static class PublicationLogExtensions
{
    /// <summary>
    /// Adds the producer side and the log's readiness check, carried by the one of
    /// <paramref name="transports"/> the configuration names (Redis Streams when it names none).
    /// </summary>
    /// <exception cref="NotSupportedException">The configuration names a transport this service does not offer.</exception>
    public static IHostApplicationBuilder AddPublicationLog(this IHostApplicationBuilder builder, params ILogTransport[] transports)
    {
        builder.Services.AddOptions<MessagingOptions>()
            .Bind(builder.Configuration.GetSection(MessagingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var kind = builder.Configuration.GetSection(MessagingOptions.SectionName).Get<MessagingOptions>()?.Transport ?? LogTransport.RedisStreams;
        var chosen = Array.Find(transports, t => t.Kind == kind)
            ?? throw new NotSupportedException($"Messaging:Transport '{kind}' is not one this service offers ({string.Join(", ", Array.ConvertAll(transports, t => t.Kind))}).");

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PublicationPublisher>();
        builder.Services.AddSingleton(new ChosenLogTransport(chosen));
        chosen.AddProducer(builder);
        return builder;
    }

    /// <summary>Consumes <typeparamref name="THandler"/>'s topic as its consumer group, over the transport <see cref="AddPublicationLog"/> chose.</summary>
    public static IHostApplicationBuilder AddLogConsumer<THandler>(this IHostApplicationBuilder builder) where THandler : class, ILogHandler
    {
        var chosen = builder.Services.LastOrDefault(d => d.ServiceType == typeof(ChosenLogTransport))?.ImplementationInstance as ChosenLogTransport
            ?? throw new InvalidOperationException($"Call {nameof(AddPublicationLog)} before {nameof(AddLogConsumer)}: it chooses the transport.");
        builder.Services.TryAddSingleton<THandler>();
        chosen.Transport.AddConsumer<THandler>(builder);
        return builder;
    }

    private sealed record ChosenLogTransport(ILogTransport Transport);
}
