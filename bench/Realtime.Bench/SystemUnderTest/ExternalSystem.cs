using Realtime.Bench.Measurement;

namespace Realtime.Bench.SystemUnderTest;

/// <summary>A system someone else started: the bench only connects to it (and watches the processes it is told of).</summary>
internal sealed class ExternalSystem(IReadOnlyList<Uri> gateways, IReadOnlyList<WatchedProcess> watched, string? tokenSecret) : ISystemUnderTest
{
    public IReadOnlyList<Uri> Gateways => gateways;

    public IReadOnlyList<WatchedProcess> Watched => watched;

    public string? TokenSecret => tokenSecret;

    public bool OwnsGateways => false;

    public Task KillGatewayAsync(int index) => throw new NotSupportedException("the bench did not start this system's gateways");

    public Task RestartGatewayAsync(int index) => throw new NotSupportedException("the bench did not start this system's gateways");

    public Task<bool> WaitUntilDrainedAsync(TimeSpan limit, CancellationToken cancellationToken) => Task.FromResult(false);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
