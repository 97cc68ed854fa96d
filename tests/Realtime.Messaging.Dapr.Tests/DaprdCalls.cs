using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapr.Client.Autogen.Grpc.v1;

namespace Realtime.Messaging.Dapr.Tests;

/// <summary>The HTTP calls daprd makes to an app, as the Dapr pub/sub API reference describes them.</summary>
public static class DaprdCalls
{
    public const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    public const string TraceState = "rojo=00f067aa0ba902b7";

    /// <summary>
    /// An event as daprd POSTs it: the CloudEvent the producer wrote plus daprd's own
    /// attributes, keys in the order Go's JSON encoder writes a map (sorted).
    /// </summary>
    public static string Event(string topic, string key, string data) =>
        "{\"data\":" + data +
        ",\"datacontenttype\":\"application/json\",\"id\":\"5929aaac-a5e2-4ca1-859c-edfe73f11565\"" +
        ",\"partitionkey\":" + JsonSerializer.Serialize(key) +
        ",\"pubsubname\":\"realtime-pubsub\",\"source\":\"realtime\",\"specversion\":\"1.0\",\"time\":\"2025-01-01T00:00:00Z\"" +
        ",\"topic\":" + JsonSerializer.Serialize(topic) +
        ",\"traceid\":\"" + TraceParent + "\",\"traceparent\":\"" + TraceParent + "\",\"tracestate\":\"" + TraceState + "\"" +
        ",\"type\":\"realtime.log.record\"}";

    /// <summary>What daprd delivers for a publish it received: the published event, with daprd's attributes added.</summary>
    public static string EventFor(PublishEventRequest published)
    {
        var cloudEvent = JsonNode.Parse(published.Data.Span)!.AsObject();
        cloudEvent["topic"] = published.Topic;
        cloudEvent["pubsubname"] = published.PubsubName;
        cloudEvent["traceid"] = cloudEvent["traceparent"]?.GetValue<string>();
        cloudEvent["time"] = "2025-01-01T00:00:00Z";
        return cloudEvent.ToJsonString();
    }

    /// <summary>GET /dapr/subscribe, as daprd reads it at start-up.</summary>
    public static async Task<JsonElement> SubscriptionsAsync(HttpClient app)
    {
        using var response = await app.GetAsync(new Uri("/dapr/subscribe", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>The route daprd posts <paramref name="topic"/>'s events to.</summary>
    public static async Task<string> RouteAsync(HttpClient app, string topic)
    {
        var subscriptions = await SubscriptionsAsync(app);
        return subscriptions.EnumerateArray().Single(s => s.GetProperty("topic").GetString() == topic).GetProperty("route").GetString()!;
    }

    /// <summary>POSTs one event and returns the status the app answered (SUCCESS, RETRY, DROP).</summary>
    public static async Task<string> DeliverAsync(HttpClient app, string route, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(route, UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        request.Headers.Add("traceparent", TraceParent);
        using var response = await app.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.GetProperty("status").GetString()!;
    }

    /// <summary>The CloudEvent a publish carried.</summary>
    public static JsonElement PublishedEvent(ReceivedPublish publish)
    {
        using var document = JsonDocument.Parse(publish.Request.Data.Memory);
        return document.RootElement.Clone();
    }

    /// <summary>The headers the producer carried in <c>logheaders</c>.</summary>
    public static Dictionary<string, string> LogHeaders(JsonElement cloudEvent) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(cloudEvent.GetProperty("logheaders").GetString()!)!;
}
