using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Realtime.Auth.Tests;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port chosen by the OS) serving a JWKS document that tests
/// swap at will, counting fetches and optionally holding responses back.
/// </summary>
internal sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _fetches;
    private int _failWith;
    private volatile string _document;
    private volatile TaskCompletionSource? _gate;

    private JwksServer(WebApplication app, string document)
    {
        _app = app;
        _document = document;
    }

    public Uri Url { get; private set; } = null!;

    public int Fetches => Volatile.Read(ref _fetches);

    public static async Task<JwksServer> StartAsync(string document)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new JwksServer(app, document);
        app.Urls.Add("http://127.0.0.1:0");
        app.MapGet("/jwks", server.ServeAsync);
        await app.StartAsync();
        server.Url = new Uri(new Uri(app.Urls.Single()), "/jwks");
        return server;
    }

    public void Serve(string document) => _document = document;

    /// <summary>Answer with this status code from now on (0: serve the document again).</summary>
    public void FailWith(int statusCode) => Volatile.Write(ref _failWith, statusCode);

    /// <summary>Holds every response until the returned source is completed.</summary>
    public TaskCompletionSource Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release()
    {
        var gate = _gate;
        _gate = null;
        gate?.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ServeAsync()
    {
        Interlocked.Increment(ref _fetches);
        if (_gate is { } gate)
        {
            await gate.Task;
        }

        var failure = Volatile.Read(ref _failWith);
        return failure != 0 ? Results.StatusCode(failure) : Results.Text(_document, "application/json");
    }

    public static string Document(params object[] keys) => JsonSerializer.Serialize(new { keys });

    public static object Jwk(string kid, RSA rsa)
    {
        var p = rsa.ExportParameters(false);
        return new { kty = "RSA", use = "sig", kid, n = Base64Url.EncodeToString(p.Modulus), e = Base64Url.EncodeToString(p.Exponent) };
    }

    public static object Jwk(string kid, ECDsa ecdsa, string crv = "P-256")
    {
        var p = ecdsa.ExportParameters(false);
        return new { kty = "EC", kid, crv, x = Base64Url.EncodeToString(p.Q.X), y = Base64Url.EncodeToString(p.Q.Y) };
    }
}
