using Realtime.Bench.Measurement;

namespace Realtime.Bench.SystemUnderTest;

/// <summary>The system a run drives: its gateway endpoints, the processes to watch, and how to sign tokens for it.</summary>
internal interface ISystemUnderTest : IAsyncDisposable
{
    IReadOnlyList<Uri> Gateways { get; }

    /// <summary>Processes whose CPU and memory each run reports (the bench's own is added by the runner).</summary>
    IReadOnlyList<WatchedProcess> Watched { get; }

    /// <summary>The HS256 secret gateways verify connection tokens with; null: connect anonymously.</summary>
    string? TokenSecret { get; }

    /// <summary>Whether <see cref="KillGatewayAsync"/> is possible (the bench started the gateways).</summary>
    bool OwnsGateways { get; }

    /// <summary>SIGKILLs a gateway process and waits until it is gone.</summary>
    Task KillGatewayAsync(int index);

    /// <summary>Starts a killed gateway again on its port and waits until it is healthy.</summary>
    Task RestartGatewayAsync(int index);

    /// <summary>
    /// Waits until the log's consumers have caught up with everything appended, so a scenario
    /// does not measure the backlog an overloaded one left; false when they had not within
    /// <paramref name="limit"/> (or the bench cannot see the log).
    /// </summary>
    Task<bool> WaitUntilDrainedAsync(TimeSpan limit, CancellationToken cancellationToken);
}
