using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Realtime.Protocol;
using Realtime.Protocol.Codes;

namespace Realtime.Gateway.Proxy;

/// <summary>Calls the application backend's proxy endpoints and turns each answer into an outcome.</summary>
internal sealed partial class ProxyClient(IHttpClientFactory httpClients, IOptions<ProxyOptions> options, ILogger<ProxyClient> logger)
{
    public const string HttpClientName = "proxy";

    public ProxyOptions Options => options.Value;

    public async Task<ProxyOutcome> CallAsync(Uri endpoint, ProxyRequest request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            var client = httpClients.CreateClient(HttpClientName);
            // A buffered body with Content-Length: not every backend accepts chunked requests.
            using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, ProxyJsonContext.Default.ProxyRequest));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(endpoint, content, timeout.Token);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync(ProxyJsonContext.Default.ProxyResponse, timeout.Token);
            return body switch
            {
                { Disconnect: { } d } when !Disconnect.IsApplicationCode(d.Code) => Refused(endpoint, d.Code),
                { Disconnect: { } d } => ProxyOutcome.Disconnected(new Disconnect((ushort)d.Code, Disconnect.FitReason(d.Reason))),
                { Error: { } e } => ProxyOutcome.Failed(new ProtocolError(e.Code, e.Message ?? "", e.Temporary)),
                { Result: { } r } when !IsValidBase64Json(r.B64Data) || !IsValidBase64Json(r.B64Info) => RefusedPayload(endpoint),
                { Result: { } r } => ProxyOutcome.Succeeded(r),
                _ => ProxyOutcome.Succeeded(new ProxyResult()),
            };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            LogProxyFailed(e, endpoint);
            return ProxyOutcome.Failed(ProtocolError.Internal);
        }
    }

    /// <summary>A payload as the proxy protocol carries it: embedded JSON.</summary>
    public static JsonElement? ToElement(RawJson json)
    {
        if (json.IsEmpty)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json.Utf8);
        return document.RootElement.Clone();
    }

    /// <summary>Reads a payload back: embedded JSON, or base64 bytes that must themselves be JSON here.</summary>
    public static RawJson FromProxy(JsonElement? json, string? base64)
    {
        if (json is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } element)
        {
            return new RawJson(Encoding.UTF8.GetBytes(element.GetRawText()));
        }

        // CallAsync has already refused a b64 field that is not one JSON value.
        return RawJson.TryFromBase64(base64, out var decoded) ? decoded : RawJson.Empty;
    }

    private static bool IsValidBase64Json(string? base64) => string.IsNullOrEmpty(base64) || RawJson.TryFromBase64(base64, out _);

    /// <summary>A b64 payload that is not one JSON value would be spliced into frames unchecked: refused.</summary>
    private ProxyOutcome RefusedPayload(Uri endpoint)
    {
        LogInvalidPayload(endpoint);
        return ProxyOutcome.Failed(ProtocolError.Internal);
    }

    /// <summary>A disconnect code outside 3000-4999 is a backend bug: answered as an internal error, not sent.</summary>
    private ProxyOutcome Refused(Uri endpoint, int code)
    {
        LogInvalidDisconnectCode(endpoint, code);
        return ProxyOutcome.Failed(ProtocolError.Internal);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy call to {Endpoint} failed")]
    private partial void LogProxyFailed(Exception exception, Uri endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy {Endpoint} answered b64data or b64info that is not the base64 of one JSON value; treated as an internal error")]
    private partial void LogInvalidPayload(Uri endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy {Endpoint} answered a disconnect with code {Code}, outside 3000-4999; treated as an internal error")]
    private partial void LogInvalidDisconnectCode(Uri endpoint, int code);
}

/// <summary>What the backend decided: go ahead (with its result), refuse with an error, or disconnect.</summary>
internal sealed record ProxyOutcome(ProxyResult? Result, ProtocolError? Error, Disconnect? Disconnect)
{
    public static ProxyOutcome Succeeded(ProxyResult result) => new(result, null, null);

    public static ProxyOutcome Failed(ProtocolError error) => new(null, error, null);

    public static ProxyOutcome Disconnected(Disconnect disconnect) => new(null, null, disconnect);
}
