using System.Diagnostics.Metrics;
using Realtime.Protocol.Commands;

namespace Realtime.Gateway.Telemetry;

/// <summary>
/// The gateway's metrics. Instruments are static: one set per process, tagged where it matters.
/// What changes per frame (bytes and messages in and out, queued bytes) is counted with one
/// atomic add into a field and read by observable instruments when metrics are collected, so
/// the hot path never enters the metrics SDK.
/// </summary>
internal static class GatewayMetrics
{
    /// <summary>The name dashboards and collectors select by: the deployed service's, kept when the project became the gateway.</summary>
    public const string MeterName = "Realtime.Connection";

    private static readonly Meter Meter = new(MeterName);

    private static long s_queuedBytes;
    private static long s_messagesIn;
    private static long s_bytesIn;
    private static long s_messagesOut;
    private static long s_bytesOut;

    public static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>(
        "realtime.gateway.connections", "{connection}", "Connected (authenticated) clients on this node; what autoscaling follows.");

    public static readonly UpDownCounter<long> Sockets = Meter.CreateUpDownCounter<long>(
        "realtime.gateway.sockets", "{socket}", "Open client connections on this node (WebSockets, HTTP streams), connected or not yet.");

    public static readonly Counter<long> SocketsRefused = Meter.CreateCounter<long>(
        "realtime.gateway.sockets.refused", "{socket}", "WebSockets refused because the node holds Gateway:MaxConnections.");

    /// <summary>Emulation requests (HTTP-streaming and SSE commands), by outcome: local, relayed or unknown.</summary>
    public static readonly Counter<long> EmulationRequests = Meter.CreateCounter<long>(
        "realtime.gateway.emulation.requests", "{request}", "Emulation requests, by outcome (the session here, relayed to its node, or unknown).");

    public static readonly UpDownCounter<long> Subscriptions = Meter.CreateUpDownCounter<long>(
        "realtime.gateway.subscriptions", "{subscription}", "Client subscriptions on this node.");

    private static readonly ObservableUpDownCounter<long> QueuedBytesGauge = Meter.CreateObservableUpDownCounter(
        "realtime.gateway.queued_bytes", () => Volatile.Read(ref s_queuedBytes), "By", "Bytes waiting in client outboxes.");

    private static readonly Counter<long> Commands = Meter.CreateCounter<long>(
        "realtime.gateway.commands", "{command}", "Commands received, by method.");

    private static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        "realtime.gateway.replies.errors", "{reply}", "Error replies, by code.");

    private static readonly Counter<long> Disconnects = Meter.CreateCounter<long>(
        "realtime.gateway.disconnects", "{connection}", "Connections closed, by disconnect code.");

    private static readonly ObservableCounter<long> MessagesIn = Meter.CreateObservableCounter(
        "realtime.gateway.messages.received", () => Volatile.Read(ref s_messagesIn), "{message}", "Messages (command batches) received from clients.");

    private static readonly ObservableCounter<long> BytesIn = Meter.CreateObservableCounter(
        "realtime.gateway.bytes.received", () => Volatile.Read(ref s_bytesIn), "By", "Bytes received from clients.");

    private static readonly ObservableCounter<long> MessagesOut = Meter.CreateObservableCounter(
        "realtime.gateway.messages.sent", () => Volatile.Read(ref s_messagesOut), "{message}", "Frames (replies and pushes) written to clients.");

    private static readonly ObservableCounter<long> BytesOut = Meter.CreateObservableCounter(
        "realtime.gateway.bytes.sent", () => Volatile.Read(ref s_bytesOut), "By", "Bytes written to clients.");

    /// <summary>Bytes entering (positive) or leaving (negative) client outboxes.</summary>
    public static void AddQueuedBytes(long delta) => Interlocked.Add(ref s_queuedBytes, delta);

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
        Interlocked.Increment(ref s_messagesIn);
        Interlocked.Add(ref s_bytesIn, bytes);
    }

    public static void RecordSent(int bytes, int frames)
    {
        Interlocked.Add(ref s_messagesOut, frames);
        Interlocked.Add(ref s_bytesOut, bytes);
    }

    internal static string MethodName(CommandMethod method) => method switch
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
