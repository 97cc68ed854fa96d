using Realtime.Bench.Clients;
using Realtime.Bench.Measurement;
using Realtime.Bench.SystemUnderTest;
using Realtime.Testing;

namespace Realtime.Bench.Scenarios;

/// <summary>What every scenario works with: the system, the sockets' source addresses, tokens, the sampler and the log.</summary>
internal sealed class ScenarioContext(ISystemUnderTest system, SourceAddresses sources, TextWriter log)
{
    private readonly TestTokens? _tokens = system.TokenSecret is { } secret ? new TestTokens(secret) : null;

    public ISystemUnderTest System => system;

    public SourceAddresses Sources => sources;

    public TextWriter Log => log;

    /// <summary>The system's processes and the bench's own.</summary>
    public ProcessSampler Sampler() =>
        new([.. system.Watched, new WatchedProcess("bench", Environment.ProcessId)]);

    /// <summary>A connection token for a bench user (none when the system takes anonymous clients).</summary>
    public string? TokenFor(int client) => _tokens?.Connection($"bench-{client}", TimeSpan.FromHours(2));

    public Uri Gateway(int index) => system.Gateways[index % system.Gateways.Count];
}
