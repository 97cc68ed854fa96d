using System.Collections.Concurrent;
using System.Net;

namespace Realtime.Testing;

/// <summary>
/// An OTLP/HTTP endpoint in the test process that keeps the spans services export to it, so a
/// test can read the traces of real service processes as a collector would see them. Logs and
/// metrics are accepted and ignored. Point a service at it with
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT=<see cref="Endpoint"/></c> and <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>.
/// </summary>
public sealed class OtlpTraceReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ExportedSpan> _spans = new();
    private readonly Task _loop;

    private OtlpTraceReceiver(int port)
    {
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        _listener.Prefixes.Add($"{Endpoint}");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>Every span received so far, in arrival order.</summary>
    public IReadOnlyList<ExportedSpan> Spans => [.. _spans];

    /// <summary>The environment that makes a service export its traces here, at once and every one of them.</summary>
    public IReadOnlyDictionary<string, string> ExporterEnvironment => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        // Export batches every 100 ms instead of every 5 s.
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
    };

    public static OtlpTraceReceiver Start() => new(FreePort.Next());

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                if (context.Request.Url?.AbsolutePath == "/v1/traces")
                {
                    using var body = new MemoryStream();
                    await context.Request.InputStream.CopyToAsync(body);
                    foreach (var span in OtlpTraceDecoder.Decode(body.ToArray()))
                    {
                        _spans.Enqueue(span);
                    }
                }

                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
            }
            catch (Exception e) when (e is FormatException or HttpListenerException or IOException)
            {
                context.Response.StatusCode = 400;
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
