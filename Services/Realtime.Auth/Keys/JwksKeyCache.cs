using Microsoft.Extensions.Logging;

namespace Realtime.Auth.Keys;

/// <summary>
/// Keys from a JWKS URL, cached for <see cref="TokenKeyOptions.JwksCacheLifetime"/>. A token naming an
/// unknown <c>kid</c> triggers an early refresh so key rotation needs no restart, but at most once per
/// <see cref="MinimumRefreshInterval"/> so tokens with made-up kids cannot turn the gateway into a
/// load generator against the identity provider. Concurrent refreshes share one fetch, and a failed
/// fetch keeps serving the previous key set.
/// </summary>
internal sealed class JwksKeyCache
{
    public static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(10);

    private readonly Uri _url;
    private readonly TokenKeyOptions _options;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Snapshot? _snapshot;
    private Task<Snapshot?>? _refresh;
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;

    public JwksKeyCache(Uri url, TokenKeyOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger logger)
    {
        _url = url;
        _options = options;
        _httpClientFactory = httpClientFactory;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Keys that may verify a token with this <paramref name="kid"/> (null: any) and <paramref name="algorithm"/>.</summary>
    /// <exception cref="TokenKeysUnavailableException">No key set has ever been fetched.</exception>
    public async ValueTask<IReadOnlyList<VerificationKey>> GetKeysAsync(string? kid, string algorithm, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is not null && now < snapshot.ExpiresAt)
        {
            var keys = snapshot.Find(kid, algorithm);
            if (keys.Count > 0 || kid is null)
            {
                return keys;
            }
        }

        snapshot = await RefreshAsync(now).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            throw new TokenKeysUnavailableException("The JWKS signing keys could not be fetched.");
        }

        return snapshot.Find(kid, algorithm);
    }

    private Task<Snapshot?> RefreshAsync(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_refresh is { IsCompleted: false })
            {
                return _refresh;
            }

            if (now - _lastAttempt < MinimumRefreshInterval)
            {
                return Task.FromResult(Volatile.Read(ref _snapshot));
            }

            _lastAttempt = now;
            _refresh = FetchAsync();
            return _refresh;
        }
    }

    // Not cancellable by any one caller: others may be waiting for the same fetch. The named
    // client's timeout bounds it.
    private async Task<Snapshot?> FetchAsync()
    {
        try
        {
            var client = _httpClientFactory.CreateClient(TokenVerifier.JwksHttpClientName);
            using var response = await client.GetAsync(_url, CancellationToken.None).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsByteArrayAsync(CancellationToken.None).ConfigureAwait(false);
            var keys = JwksDocument.Parse(body, _options, _logger);
            var snapshot = new Snapshot([.. keys], _timeProvider.GetUtcNow() + _options.JwksCacheLifetime);
            Volatile.Write(ref _snapshot, snapshot);
            Log.JwksFetched(_logger, keys.Count);
            return snapshot;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var previous = Volatile.Read(ref _snapshot);
            Log.JwksFetchFailed(_logger, e, previous is null ? "no key set cached yet" : "keeping the previous key set");
            return previous;
        }
    }

    private sealed class Snapshot(VerificationKey[] keys, DateTimeOffset expiresAt)
    {
        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        // A key without a kid matches any token, as RFC 7515 leaves kid optional.
        public List<VerificationKey> Find(string? kid, string algorithm)
        {
            var found = new List<VerificationKey>(1);
            foreach (var key in keys)
            {
                if (key.Allows(algorithm) && (kid is null || key.KeyId is null || key.KeyId == kid))
                {
                    found.Add(key);
                }
            }

            return found;
        }
    }
}
