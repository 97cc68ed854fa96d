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
