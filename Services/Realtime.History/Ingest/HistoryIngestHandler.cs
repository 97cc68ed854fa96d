using Realtime.History.Storage;
using Realtime.History.Telemetry;
using Realtime.Messaging.Log;
using Realtime.Messaging.Publications;
using Realtime.Messaging.Telemetry;
using Realtime.Delivery;

namespace Realtime.History.Ingest;

/// <summary>Consumes sequenced publications and stores each batch in PostgreSQL in one statement.</summary>
internal sealed class HistoryIngestHandler(PublicationStore store, SchemaReadiness schema, Microsoft.Extensions.Options.IOptions<HistoryOptions> options) : ILogHandler
{
    public TimeSpan BatchLinger => options.Value.IngestLinger;

    public string Topic => LogTopics.Sequenced;

    public string ConsumerGroup => LogTopics.HistoryGroup;

    public async Task HandleAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken)
    {
        // The log is read from the start; nothing is stored before the tables exist.
        await schema.Migrated.WaitAsync(cancellationToken);
        using var activity = MessagingTelemetry.StartProcess(Topic, ConsumerGroup, LogRecordTrace.From(batch[0]));
        activity?.SetTag("messaging.batch.message_count", batch.Count);
        var publications = new SequencedPublication[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            publications[i] = SequencedRecord.Decode(batch[i].Payload);
        }

        var stored = await store.StoreAsync(publications, cancellationToken);
        HistoryMetrics.RecordStored(stored, batch.Count - stored);
    }
}
