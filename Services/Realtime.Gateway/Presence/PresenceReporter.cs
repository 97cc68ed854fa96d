using System.Text.Json;
using Microsoft.Extensions.Options;
using Realtime.Gateway.Clients;
using Realtime.Contracts;

namespace Realtime.Gateway.Presence;

/// <summary>
/// Reports this node's presence changes to the presence service with group commit: a change is
/// sent at once, and the changes that arrive while a report is in flight go together in the
/// next; every present client is reported again every
/// <see cref="GatewayOptions.PresenceRefreshInterval"/> so its entry stays alive. A failed report
/// is kept and sent again (every <see cref="GatewayOptions.PresenceFlushInterval"/>). A subscribe
/// or unsubscribe reply waits (up to <see cref="GatewayOptions.PresenceSyncTimeout"/>) for the
/// report holding its change, so presence follows the subscription as its client sees it.
/// </summary>
internal sealed partial class PresenceReporter(
    IHttpClientFactory httpClients,
    IOptions<GatewayOptions> options,
    ILogger<PresenceReporter> logger) : BackgroundService
{
    private const int MaxBatch = 1000;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Channel, string Client), PresenceEntry> _present = [];
    private readonly PendingPresenceChanges _pending = new();
    private readonly string _node = options.Value.ResolveNodeName();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private int _wakeRequested;
    private TaskCompletionSource _nextReport = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Queues the client's entry; the task completes when a report holding it was sent (or after the sync timeout).</summary>
    public Task JoinAsync(string channel, string client, ClientIdentity identity, Protocol.RawJson channelInfo)
    {
        var entry = new PresenceEntry(channel, client, identity.User, ToElement(identity.Info), ToElement(channelInfo));
        Task reported;
        lock (_gate)
        {
            _present[(channel, client)] = entry;
            _pending.Join(entry);
            reported = _nextReport.Task;
        }

        return WaitReportedAsync(reported);
    }

    /// <summary>Queues the removal of the client's entry; the task completes as for <see cref="JoinAsync"/>.</summary>
    public Task LeaveAsync(string channel, string client)
    {
        Task reported;
        lock (_gate)
        {
            _present.Remove((channel, client));
            _pending.Leave(channel, client);
            reported = _nextReport.Task;
        }

        return WaitReportedAsync(reported);
    }

    private async Task WaitReportedAsync(Task reported)
    {
        if (Interlocked.Exchange(ref _wakeRequested, 1) == 0)
        {
            _wake.Release();
        }

        try
        {
            await reported.WaitAsync(options.Value.PresenceSyncTimeout);
        }
        catch (TimeoutException)
        {
            // Presence is slow or unreachable: the reply goes now, the change is sent when it can be.
        }
    }

    private static JsonElement? ToElement(Protocol.RawJson json)
    {
        if (json.IsEmpty)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json.Utf8);
        return document.RootElement.Clone();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextRefresh = DateTime.UtcNow + options.Value.PresenceRefreshInterval;
        while (await WaitForChangesAsync(stoppingToken) || FinalFlushDue())
        {
            List<PresenceEntry> joins;
            List<PresenceLeave> leaves;
            List<PresenceEntry> refreshes = [];
            TaskCompletionSource report;
            lock (_gate)
            {
                (joins, leaves) = _pending.TakeAll();
                report = _nextReport;
                _nextReport = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (DateTime.UtcNow >= nextRefresh)
                {
                    refreshes = [.. _present.Values];
                    nextRefresh = DateTime.UtcNow + options.Value.PresenceRefreshInterval;
                }
            }

            try
            {
                if (joins.Count + leaves.Count + refreshes.Count == 0)
                {
                    continue;
                }

                // The final flush runs after stopping was requested: it gets a short deadline of its own.
                using var finalDeadline = stoppingToken.IsCancellationRequested ? new CancellationTokenSource(TimeSpan.FromSeconds(3)) : null;
                if (!await SendAsync(joins, leaves, refreshes, finalDeadline?.Token ?? stoppingToken))
                {
                    lock (_gate)
                    {
                        _pending.Restore(joins, leaves);
                    }
                }
            }
            finally
            {
                // Sent, or kept for the next attempt: the replies waiting on it go on either way.
                report.TrySetResult();
            }
        }
    }

    /// <summary>Until a change is queued, or the flush interval passes (retries, refreshes); false once stopping.</summary>
    private async Task<bool> WaitForChangesAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _wake.WaitAsync(options.Value.PresenceFlushInterval, stoppingToken);
            Volatile.Write(ref _wakeRequested, 0);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private bool _finalFlushDone;

    /// <summary>
    /// One last flush when the node stops: the drain has just unsubscribed every client, and
    /// their leaves must reach presence now rather than expire later.
    /// </summary>
    private bool FinalFlushDue()
    {
        if (_finalFlushDone)
        {
            return false;
        }

        _finalFlushDone = true;
        lock (_gate)
        {
            return _pending.Count > 0;
        }
    }

    private async Task<bool> SendAsync(List<PresenceEntry> joins, List<PresenceLeave> leaves, List<PresenceEntry> refreshes, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(Backends.PresenceClient.HttpClientName);
        try
        {
            // One change per client and channel (see PendingPresenceChanges), so the order of
            // the reports does not matter; leaves go first all the same.
            for (var i = 0; i < Math.Max(1, leaves.Count); i += MaxBatch)
            {
                var report = new PresenceReport(_node, [], leaves.GetRange(i, Math.Min(MaxBatch, leaves.Count - i)), []);
                if (report.Leaves.Count > 0)
                {
                    await PostAsync(client, report, cancellationToken);
                }
            }

            for (var i = 0; i < joins.Count; i += MaxBatch)
            {
                await PostAsync(client, new PresenceReport(_node, joins.GetRange(i, Math.Min(MaxBatch, joins.Count - i)), [], []), cancellationToken);
            }

            for (var i = 0; i < refreshes.Count; i += MaxBatch)
            {
                await PostAsync(client, new PresenceReport(_node, [], [], refreshes.GetRange(i, Math.Min(MaxBatch, refreshes.Count - i))), cancellationToken);
            }

            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException && !cancellationToken.IsCancellationRequested)
        {
            LogReportFailed(e, joins.Count, leaves.Count);
            return false;
        }
    }

    private static async Task PostAsync(HttpClient client, PresenceReport report, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync(PresenceRoutes.Report, report, PresenceJsonContext.Default.PresenceReport, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence report ({Joins} joins, {Leaves} leaves) failed; it will be sent again")]
    private partial void LogReportFailed(Exception exception, int joins, int leaves);
}
