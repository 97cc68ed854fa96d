using System.Diagnostics;
using Realtime.Bench.Clients;
using Realtime.Bench.Measurement;
using Realtime.Bench.Reporting;

namespace Realtime.Bench.Scenarios;

/// <summary>
/// A run in which clients publish at a fixed rate and subscribers receive: connects the
/// layout's clients, paces the publishes, opens the measured window after the warm-up, and in
/// the end waits for every acknowledged publication to arrive before counting.
/// </summary>
internal sealed class PublishingRun : IAsyncDisposable
{
    private const int ConnectConcurrency = 64;
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    private readonly ScenarioContext _context;
    private readonly ClientLayout _layout;
    private readonly int _size;
    private readonly BenchClient?[] _clients;
    private readonly int[] _publishers;
    private CancellationTokenSource? _stopPublishing;
    private Task _publishing = Task.CompletedTask;

    public PublishingRun(ScenarioContext context, ClientLayout layout, int size)
    {
        _context = context;
        _layout = layout;
        _size = size;
        _clients = new BenchClient?[layout.Clients.Length];
        _publishers = layout.Publishers();
        Observer = new RunObserver(new DeliveryLedger(layout.Channels.Length), new LatencyRecorder(), layout.Clients.Length);
        for (var i = 0; i < layout.Clients.Length; i++)
        {
            var spec = layout.Clients[i];
            if (spec.SubscribeTo >= 0) Observer.Subscribe(i, spec.SubscribeTo);
            if (spec.PublishTo >= 0) Observer.Publish(i, spec.PublishTo);
        }
    }

    public RunObserver Observer { get; }

    public ClientLayout Layout => _layout;

    public Pacer? Pacer { get; private set; }

    /// <summary>Connections per second while every client connected and subscribed.</summary>
    public double ConnectRate { get; private set; }

    /// <summary>Connects every client of the layout (connect and subscribe in one frame), a bounded number at a time.</summary>
    public async Task ConnectAllAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var gate = new SemaphoreSlim(ConnectConcurrency);
        var failures = 0;
        string? firstFailure = null;
        var connecting = new List<Task>(_clients.Length);
        for (var i = 0; i < _clients.Length; i++)
        {
            await gate.WaitAsync(cancellationToken);
            var index = i;
            connecting.Add(Task.Run(async () =>
            {
                try
                {
                    await ConnectAsync(index, _layout.Clients[index].Gateway, recover: null, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    if (Interlocked.Increment(ref failures) == 1) firstFailure = e.Message;
                }
                finally
                {
                    gate.Release();
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(connecting);
        if (failures > 0)
        {
            throw new InvalidOperationException($"{failures} of {_clients.Length} clients could not connect and subscribe; first: {firstFailure}");
        }

        ConnectRate = Math.Round(_clients.Length / Stopwatch.GetElapsedTime(started).TotalSeconds, 1);
    }

    /// <summary>Connects (or reconnects) one client; with <paramref name="recover"/>, its subscription recovers from there.</summary>
    public async Task<Handshake> ConnectAsync(int index, int gateway, StreamPosition? recover, CancellationToken cancellationToken)
    {
        var spec = _layout.Clients[index];
        var client = new BenchClient(index, Observer);
        if (spec.PublishTo >= 0)
        {
            client.PublishTo(_layout.Channels[spec.PublishTo]);
        }

        SubscribeCommand[] subscriptions = spec.SubscribeTo >= 0 ? [new SubscribeCommand(2, _layout.Channels[spec.SubscribeTo], recover)] : [];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HandshakeTimeout);
        Handshake handshake;
        try
        {
            handshake = await client.ConnectAsync(_context.Gateway(gateway), _context.Sources.Next(), _context.TokenFor(index), subscriptions, timeout.Token);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        if (!handshake.Succeeded)
        {
            client.Dispose();
            throw new InvalidOperationException($"client {index}: connect error {handshake.ConnectError}, subscribe errors {string.Join(",", handshake.Subscriptions.Select(s => s.ErrorCode))}");
        }

        var previous = Interlocked.Exchange(ref _clients[index], client);
        if (previous is not null)
        {
            _ = previous.CloseAsync();
        }

        return handshake;
    }

    public BenchClient? Client(int index) => Volatile.Read(ref _clients[index]);

    /// <summary>Starts publishing at <paramref name="rate"/> publications per second over all publishers, round-robin.</summary>
    public void StartPublishing(double rate)
    {
        _stopPublishing = new CancellationTokenSource();
        Pacer = new Pacer(rate, n =>
        {
            var index = _publishers[(int)(n % _publishers.Length)];
            if (Volatile.Read(ref _clients[index]) is { } client)
            {
                client.Publish(_size, Observer.PublisherOf(index)!.NextSequence());
            }
        });
        _publishing = Pacer.RunAsync(_stopPublishing.Token);
    }

    public async Task StopPublishingAsync()
    {
        await (_stopPublishing?.CancelAsync() ?? Task.CompletedTask);
        await _publishing;
    }

    /// <summary>
    /// Waits until every acknowledged publication reached every subscriber of its channel, or
    /// the timeout passes (what is missing then is lost). Replies still in flight are waited for too.
    /// </summary>
    public async Task<bool> DrainAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var counts = Observer.Ledger.Count();
            if (counts.Unanswered == 0 && Observer.Ledger.UniqueDeliveries >= Observer.Ledger.ExpectedDeliveries())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>The run's result, from the measured window and the process samples taken around it.</summary>
    public ScenarioResult Result(string scenario, string label, Dictionary<string, string> parameters, double askedRate,
        ProcessSampler sampler, ProcessSampler.Snapshot before, ProcessSampler.Snapshot after, long sentInWindow, long ackedInWindow)
    {
        var latency = Observer.Latency.Summarize();
        var seconds = Observer.Latency.Window.TotalSeconds;
        var result = new ScenarioResult
        {
            Scenario = scenario,
            Label = label,
            Parameters = parameters,
            AskedRate = askedRate,
            SentRate = Math.Round(sentInWindow / seconds, 1),
            AckedRate = Math.Round(ackedInWindow / seconds, 1),
            DeliveriesPerSecond = Math.Round(latency.Count / seconds, 1),
            Latency = latency,
            Deliveries = Observer.Ledger.Count(),
            ConnectRate = ConnectRate,
            Processes = sampler.Usage(before, after),
        };
        if (Pacer is { } pacer && pacer.WorstLag > TimeSpan.FromMilliseconds(50))
        {
            result.Notes.Add($"the load generator fell up to {pacer.WorstLag.TotalMilliseconds:F0} ms behind its schedule");
        }

        if (Observer.ClosedUnexpectedly > 0)
        {
            result.Notes.Add($"{Observer.ClosedUnexpectedly} connections closed during the run");
        }

        return result;
    }

    /// <summary>Acknowledged publications so far, all publishers together.</summary>
    public long Acked()
    {
        long acked = 0;
        foreach (var publisher in Observer.Ledger.Publishers)
        {
            acked += publisher.Acked;
        }

        return acked;
    }

    public async ValueTask DisposeAsync()
    {
        Observer.Finishing = true;
        await StopPublishingAsync();
        // Close every connection first, then wait for the servers' close frames together.
        var closing = new List<Task>(_clients.Length);
        foreach (var client in _clients)
        {
            if (client is not null)
            {
                closing.Add(client.CloseAsync());
            }
        }

        await Task.WhenAll(closing).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        _stopPublishing?.Dispose();
    }
}
