using System.Diagnostics.Metrics;
using Realtime.Protocol.Commands;

namespace Realtime.Connection.Telemetry;

/// <summary>The gateway's metrics. Instruments are static: one set per process, tagged where it matters.</summary>
public static class GatewayMetrics
{
    public const string MeterName = "Realtime.Connection";

    private static readonly Meter Meter = new(MeterName);

    public static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>(
        "realtime.gateway.connections", "{connection}", "Open client connections on this node.");

    public static readonly UpDownCounter<long> Subscriptions = Meter.CreateUpDownCounter<long>(
        "realtime.gateway.subscriptions", "{subscription}", "Client subscriptions on this node.");

    public static readonly UpDownCounter<long> QueuedBytes = Meter.CreateUpDownCounter<long>(
        "realtime.gateway.queued_bytes", "By", "Bytes waiting in client outboxes.");

    private static readonly Counter<long> Commands = Meter.CreateCounter<long>(
        "realtime.gateway.commands", "{command}", "Commands received, by method.");

    private static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        "realtime.gateway.replies.errors", "{reply}", "Error replies, by code.");

    private static readonly Counter<long> Disconnects = Meter.CreateCounter<long>(
        "realtime.gateway.disconnects", "{connection}", "Connections closed, by disconnect code.");

    private static readonly Counter<long> MessagesIn = Meter.CreateCounter<long>(
        "realtime.gateway.messages.received", "{message}", "WebSocket messages received from clients.");

    private static readonly Counter<long> BytesIn = Meter.CreateCounter<long>(
        "realtime.gateway.bytes.received", "By", "Bytes received from clients.");

    private static readonly Counter<long> MessagesOut = Meter.CreateCounter<long>(
        "realtime.gateway.messages.sent", "{message}", "Frames (replies and pushes) written to clients.");

    private static readonly Counter<long> BytesOut = Meter.CreateCounter<long>(
        "realtime.gateway.bytes.sent", "By", "Bytes written to clients.");

    private static readonly Histogram<double> CommandDuration = Meter.CreateHistogram<double>(
        "realtime.gateway.command.duration", "s", "Time to handle a command, by method.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    public static void RecordCommand(CommandMethod method, double seconds)
    {
        var tag = new KeyValuePair<string, object?>("method", MethodName(method));
        Commands.Add(1, tag);
        CommandDuration.Record(seconds, tag);
    }

    private static readonly Counter<long> Recoveries = Meter.CreateCounter<long>(
        "realtime.gateway.recoveries", "{subscription}", "Resubscriptions that asked to recover, by outcome.");

    public static void RecordRecovery(bool recovered) => Recoveries.Add(1, new KeyValuePair<string, object?>("recovered", recovered));

    public static void RecordError(uint code) => Errors.Add(1, new KeyValuePair<string, object?>("code", code));

    public static void RecordDisconnect(ushort code) => Disconnects.Add(1, new KeyValuePair<string, object?>("code", code));

    public static void RecordReceived(int bytes)
    {
        MessagesIn.Add(1);
        BytesIn.Add(bytes);
    }

    public static void RecordSent(int bytes, int frames)
    {
        MessagesOut.Add(frames);
        BytesOut.Add(bytes);
    }

    private static string MethodName(CommandMethod method) => method switch
    {
        CommandMethod.Connect => "connect",
        CommandMethod.Subscribe => "subscribe",
        CommandMethod.Unsubscribe => "unsubscribe",
        CommandMethod.Publish => "publish",
        CommandMethod.Presence => "presence",
        CommandMethod.PresenceStats => "presence_stats",
        CommandMethod.History => "history",
        CommandMethod.Ping => "ping",
        CommandMethod.Send => "send",
        CommandMethod.Rpc => "rpc",
        CommandMethod.Refresh => "refresh",
        CommandMethod.SubRefresh => "sub_refresh",
        _ => "unknown",
    };
}
