using System.Diagnostics;
using Realtime.Messaging.Log;
using Realtime.Messaging.Publications;
using Realtime.Messaging.Telemetry;
using Realtime.Fanout.Telemetry;
using Realtime.Delivery;
using Realtime.Redis;

namespace Realtime.Fanout.Sequencing;

/// <summary>
/// Consumes the publication log: sequences and delivers a batch of publications in one script
/// call, then hands the sequenced publications of history-keeping channels on to the history
/// service in one append. The batch is acknowledged only after both steps, so a crash anywhere
/// replays it; sequencing deduplicates. When the log's completion of a batch is a part of a Redis
/// script (the log on Redis Streams, standalone Redis), all of it, with the log's checks and its
/// acknowledgement, is one script call: one round trip per batch after the read instead of four,
/// and one hop fewer between a publish and its delivery.
/// </summary>
internal sealed class PublicationSequencingHandler(ChannelSequencer sequencer, ILogProducer log)
    : ITransactionalLogHandler
{
    private static readonly KeyValuePair<string, object?> SequencedDestination = new("messaging.destination.name", LogTopics.Sequenced);

    public string Topic => LogTopics.Publications;

    public string ConsumerGroup => LogTopics.FanoutGroup;

    public async Task HandleAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken)
    {
        var (publications, activities) = Decode(batch);
        try
        {
            SequencingResult[] results;
            try
            {
                results = await sequencer.SequenceAsync(publications);
            }
            catch (Exception e) when (RedisFailures.IsOutage(e))
            {
                throw new LogUnavailableException($"Redis did not sequence a batch of {publications.Length} publications: {e.Message}", e);
            }

            var forHistory = new List<LogRecord>(batch.Count);
            for (var i = 0; i < results.Length; i++)
            {
                Record(results[i], activities?[i]);
                var sequenced = results[i].Publication;
                if (sequenced.Offset > 0)
                {
                    // Also for duplicates: the first attempt may have died before this append.
                    forHistory.Add(new LogRecord(sequenced.Publication.Channel, SequencedRecord.Encode(sequenced), HeadersOf(activities?[i])));
                }
            }

            if (forHistory.Count > 0)
            {
                await log.AppendAllAsync(LogTopics.Sequenced, forHistory, cancellationToken);
            }
        }
        finally
        {
            Dispose(activities);
        }
    }

    public async Task<bool> TryHandleAndCompleteAsync(IReadOnlyList<LogRecord> batch, LogBatchCompletion completion, CancellationToken cancellationToken)
    {
        if (completion is not IRedisScriptPart part || batch.Count > ChannelSequencer.MaxPerCall)
        {
            return false;
        }

        var (publications, activities) = Decode(batch);
        try
        {
            var headers = new IReadOnlyDictionary<string, string>[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                headers[i] = HeadersOf(activities?[i]);
            }

            var results = await sequencer.TrySequenceAndCompleteAsync(publications, headers, part);
            if (results is null)
            {
                return false;
            }

            var appended = 0;
            for (var i = 0; i < results.Length; i++)
            {
                Record(results[i], activities?[i]);
                appended += results[i].Publication.Offset > 0 ? 1 : 0;
            }

            // The log's part of the script appended these for history: counted as the log producer counts its own appends.
            MessagingTelemetry.Appended.Add(appended, SequencedDestination);
            return true;
        }
        finally
        {
            Dispose(activities);
        }
    }

    private (PublicationToSequence[] Publications, Activity?[]? Activities) Decode(IReadOnlyList<LogRecord> batch)
    {
        var publications = new PublicationToSequence[batch.Count];
        Activity?[]? activities = null;
        for (var i = 0; i < batch.Count; i++)
        {
            var publication = PublicationCodec.Decode(batch[i].Payload);
            publications[i] = new PublicationToSequence(publication, batch[i].Payload);
            // Spans only for records whose trace is sampled: an unsampled one costs nothing here.
            if (MessagingTelemetry.StartProcess(Topic, ConsumerGroup, LogRecordTrace.From(batch[i])) is { } activity)
            {
                activity.SetTag("realtime.channel", publication.Channel);
                (activities ??= new Activity?[batch.Count])[i] = activity;
            }
        }

        return (publications, activities);
    }

    private static void Record(SequencingResult result, Activity? activity)
    {
        FanoutMetrics.RecordSequenced(result, result.Publication.Publication.Time);
        activity?.SetTag("realtime.offset", result.Publication.Offset);
        activity?.SetTag("realtime.duplicate", !result.Sequenced);
    }

    private static IReadOnlyDictionary<string, string> HeadersOf(Activity? activity) =>
        activity is null ? LogRecord.NoHeaders : TraceContext.Capture(activity);

    private static void Dispose(Activity?[]? activities)
    {
        if (activities is null)
        {
            return;
        }

        foreach (var activity in activities)
        {
            activity?.Dispose();
        }
    }
}
