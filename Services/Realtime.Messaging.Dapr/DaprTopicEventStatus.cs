using Microsoft.AspNetCore.Http;

namespace Realtime.Messaging.Dapr;

/// <summary>
/// What a subscription route tells daprd about one event: HTTP 200 with <c>{"status": …}</c>,
/// as the Dapr pub/sub API reference defines for app responses.
/// </summary>
internal enum DaprTopicEventStatus
{
    /// <summary>Handled, or moved to the dead-letter topic by us: daprd acknowledges it.</summary>
    Success,

    /// <summary>Not handled yet (stopping, or an outage outlasted the request): daprd delivers it again.</summary>
    Retry,

    /// <summary>Not a record of this log and not even JSON: daprd logs a warning and drops it.</summary>
    Drop,
}

internal static class DaprTopicEventResponse
{
    public static Task WriteAsync(HttpResponse response, DaprTopicEventStatus status)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        return response.WriteAsync(status switch
        {
            DaprTopicEventStatus.Success => """{"status":"SUCCESS"}""",
            DaprTopicEventStatus.Retry => """{"status":"RETRY"}""",
            _ => """{"status":"DROP"}""",
        });
    }
}
