using Microsoft.Extensions.Hosting;

namespace Realtime.Messaging.Log;

/// <summary>
/// One way to carry the publication log (Redis Streams, Kafka, Dapr pub/sub), as a service's
/// composition root offers it to <see cref="PublicationLogExtensions.AddPublicationLog"/>; the
/// configuration (<c>Messaging:Transport</c>) picks one of those offered.
/// </summary>
public interface ILogTransport
{
    LogTransport Kind { get; }

    /// <summary>Registers <see cref="ILogProducer"/> and the log's readiness check (<c>publication-log</c>).</summary>
    void AddProducer(IHostApplicationBuilder builder);

    /// <summary>Registers what feeds <typeparamref name="THandler"/> (registered already) its topic as its consumer group.</summary>
    void AddConsumer<THandler>(IHostApplicationBuilder builder) where THandler : class, ILogHandler;
}
