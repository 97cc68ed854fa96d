using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Decides which root spans start a trace: only entry points, the spans of work someone asked
/// for (a client's command, a backend's server-API call, any incoming request), sampled by the
/// inner sampler. A client, producer, consumer or internal span with no parent is background
/// work (lease renewals, claims, sweeps, retention passes, health polls): recording it would
/// list a trace per Redis command or HTTP poll, burying the traces a person looks for, so it is
/// dropped. Its context still propagates, unsampled, so whatever it calls is dropped too.
/// </summary>
public sealed class EntryPointSampler(Sampler entryPoints) : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == ActivityKind.Server ? entryPoints.ShouldSample(samplingParameters) : Drop;
}
