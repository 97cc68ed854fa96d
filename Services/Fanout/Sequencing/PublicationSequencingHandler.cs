using System.Diagnostics;
using Realtime.Messaging.Log;
using Realtime.Messaging.Publications;
using Realtime.Messaging.Telemetry;
using Realtime.Fanout.Telemetry;

namespace Realtime.Fanout.Sequencing;

/// <summary>
/// Consumes the publication log: sequences and delivers each publication, then hands the
/// sequenced publications of history-keeping channels on to the history service. The batch is
/// acknowledged only after both steps, so a crash anywhere replays it; sequencing deduplicates.
/// </summary>
public sealed class PublicationSequencingHandler(ChannelSequencer sequencer, ILogProducer log) : ILogHandler
{
    public string Topic => LogTopics.Publications;

    public string ConsumerGroup => LogTopics.FanoutGroup;

    public async Task HandleAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken)
    {
        var ambient = Activity.Current;
        // Scripts are started in log order on one connection, so Redis runs them in that order.
        var sequencing = new Task<SequencingResult>[batch.Count];
        var activities = new Activity?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            activities[i] = MessagingTelemetry.StartProcess(Topic, ConsumerGroup, LogRecordTrace.From(batch[i]));
            var publication = PublicationCodec.Decode(batch[i].Payload);
            activities[i]?.SetTag("realtime.channel", publication.Channel);
            sequencing[i] = sequencer.SequenceAsync(publication, batch[i].Payload);
        }

        try
        {
            var forHistory = new List<Task>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                var result = await sequencing[i];
                var sequenced = result.Publication;
                activities[i]?.SetTag("realtime.offset", sequenced.Offset);
                activities[i]?.SetTag("realtime.duplicate", !result.Sequenced);
                FanoutMetrics.RecordSequenced(result, sequenced.Publication.Time);
                if (sequenced.Offset > 0)
                {
                    // Also for duplicates: the first attempt may have died before this append.
                    Activity.Current = activities[i] ?? ambient;
                    forHistory.Add(log.AppendAsync(LogTopics.Sequenced,
                        new LogRecord(sequenced.Publication.Channel, PublicationCodec.Encode(sequenced), LogRecord.NoHeaders),
                        cancellationToken));
                }
            }

            await Task.WhenAll(forHistory);
        }
        finally
        {
            Activity.Current = ambient;
            foreach (var activity in activities)
            {
                activity?.Dispose();
            }
        }
    }
}
