using System.Diagnostics;
using Realtime.Messaging.Log;
using Realtime.Messaging.Publications;
using Realtime.Messaging.Telemetry;
using Realtime.Fanout.Telemetry;

namespace Realtime.Fanout.Sequencing;

/// <summary>
/// Consumes the publication log: sequences and delivers a batch of publications in one script
/// call, then hands the sequenced publications of history-keeping channels on to the history
/// service in one append. The batch is acknowledged only after both steps, so a crash anywhere
/// replays it; sequencing deduplicates.
/// </summary>
public sealed class PublicationSequencingHandler(ChannelSequencer sequencer, ILogProducer log) : ILogHandler
{
    public string Topic => LogTopics.Publications;

    public string ConsumerGroup => LogTopics.FanoutGroup;

    public async Task HandleAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken)
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

        try
        {
            var results = await sequencer.SequenceAsync(publications);
            var forHistory = new List<LogRecord>(batch.Count);
            for (var i = 0; i < results.Length; i++)
            {
                var sequenced = results[i].Publication;
                FanoutMetrics.RecordSequenced(results[i], sequenced.Publication.Time);
                if (activities?[i] is { } activity)
                {
                    activity.SetTag("realtime.offset", sequenced.Offset);
                    activity.SetTag("realtime.duplicate", !results[i].Sequenced);
                }

                if (sequenced.Offset > 0)
                {
                    // Also for duplicates: the first attempt may have died before this append.
                    forHistory.Add(new LogRecord(sequenced.Publication.Channel, PublicationCodec.Encode(sequenced),
                        activities?[i] is { } traced ? TraceContext.Capture(traced) : LogRecord.NoHeaders));
                }
            }

            if (forHistory.Count > 0)
            {
                await log.AppendAllAsync(LogTopics.Sequenced, forHistory, cancellationToken);
            }
        }
        finally
        {
            if (activities is not null)
            {
                foreach (var activity in activities)
                {
                    activity?.Dispose();
                }
            }
        }
    }
}
