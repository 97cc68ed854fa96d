using System.Diagnostics;

namespace Realtime.Messaging.Telemetry;

/// <summary>
/// Carries W3C trace context (<c>traceparent</c>, <c>tracestate</c>) in log record headers, so
/// one trace spans client publish → log → fanout → delivery → history.
/// </summary>
public static class TraceContext
{
    public static IReadOnlyDictionary<string, string> Capture(Activity? activity)
    {
        if (activity is null)
        {
            return Log.LogRecord.NoHeaders;
        }

        var headers = new Dictionary<string, string>(2, StringComparer.Ordinal);
        DistributedContextPropagator.Current.Inject(activity, headers, static (carrier, name, value) =>
        {
            if (carrier is Dictionary<string, string> map && value is not null)
            {
                map[name] = value;
            }
        });
        return headers;
    }

    /// <summary>The record's own headers, with the trace context replaced by the given span's (when there is one).</summary>
    public static IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> headers, Activity? activity)
    {
        if (activity is null)
        {
            return headers;
        }

        var trace = Capture(activity);
        if (headers.Count == 0)
        {
            return trace;
        }

        var merged = new Dictionary<string, string>(headers, StringComparer.Ordinal);
        foreach (var (name, value) in trace)
        {
            merged[name] = value;
        }

        return merged;
    }

    public static ActivityContext Extract(IReadOnlyDictionary<string, string> headers)
    {
        DistributedContextPropagator.Current.ExtractTraceIdAndState(headers, static (carrier, name, out value, out values) =>
        {
            values = null;
            value = carrier is IReadOnlyDictionary<string, string> map && map.TryGetValue(name, out var found) ? found : null;
        }, out var traceParent, out var traceState);

        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
    }
}
