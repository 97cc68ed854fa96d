using Realtime.Contracts;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>
/// The gateway's drain fits the time Kubernetes gives it. In order: preStop sleeps while the pod
/// leaves the endpoints; SIGTERM starts the host's stopping phase, bounded by Shutdown:Timeout, in
/// which DrainService waits Gateway:DrainDelay, sends 3001 to every client spread over
/// Gateway:DrainWindow and waits for each session to close (a silent peer is aborted after
/// Gateway:WriteTimeout); the kubelet kills only after terminationGracePeriodSeconds.
/// Every number below is read from the rendered manifests bound to the code's options.
/// </summary>
public sealed class GatewayDrainTests
{
    /// <summary>What must be left over at each step: for the rest of the host to stop, for the process to exit.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    public static TheoryData<string> Variants() => new(Manifests.Variants);

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task The_drain_fits_in_the_hosts_shutdown_deadline_and_the_grace_period(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var environment = manifests.Environment(ServiceNames.Connection);
        var gateway = CodeNames.GatewayOptionsOf(environment);
        var preStop = TimeSpan.FromSeconds(WorkloadShapeTests.PreStopSeconds(manifests.Container(ServiceNames.Connection)));
        var shutdown = WorkloadShapeTests.ShutdownTimeout(manifests, ServiceNames.Connection);
        var grace = TimeSpan.FromSeconds(manifests.Deployment(ServiceNames.Connection).Spec.Template.Spec.TerminationGracePeriodSeconds
            ?? throw new Xunit.Sdk.XunitException("the gateway needs an explicit terminationGracePeriodSeconds"));
        var drain = CodeNames.LongestGatewayDrain(gateway);

        // The drain runs inside the host's stopping phase: past Shutdown:Timeout the host stops
        // waiting and clients are cut instead of being told to reconnect elsewhere.
        Assert.True(drain + Margin <= shutdown,
            $"DrainDelay {gateway.DrainDelay} + DrainWindow {gateway.DrainWindow} + WriteTimeout {gateway.WriteTimeout} + {Margin} > Shutdown:Timeout {shutdown}");
        // And all of it before the kubelet's SIGKILL.
        Assert.True(preStop + gateway.DrainDelay + gateway.DrainWindow + Margin <= grace,
            $"preStop {preStop} + DrainDelay {gateway.DrainDelay} + DrainWindow {gateway.DrainWindow} + {Margin} > terminationGracePeriodSeconds {grace}");
        Assert.True(preStop + shutdown + Margin <= grace,
            $"preStop {preStop} + Shutdown:Timeout {shutdown} + {Margin} > terminationGracePeriodSeconds {grace}");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task The_prestop_sleep_stands_in_for_the_drain_delay(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var gateway = CodeNames.GatewayOptionsOf(manifests.Environment(ServiceNames.Connection));
        var preStop = WorkloadShapeTests.PreStopSeconds(manifests.Container(ServiceNames.Connection));

        // Load balancers need some time to stop sending new clients; preStop gives it before SIGTERM
        // (readiness already failing), DrainDelay after. At least one of them must.
        Assert.True(preStop > 0 || gateway.DrainDelay > TimeSpan.Zero, "neither preStop nor Gateway:DrainDelay gives load balancers time to notice");
        Assert.True(gateway.DrainWindow > TimeSpan.Zero, "with no DrainWindow every client reconnects at the same instant");
    }
}
