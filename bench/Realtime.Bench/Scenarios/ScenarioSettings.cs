namespace Realtime.Bench.Scenarios;

/// <summary>The knobs of every scenario, with the standard matrix's defaults.</summary>
internal sealed record ScenarioSettings
{
    /// <summary>im: clients in pairs; idle: connections; storm: subscribers.</summary>
    public int? Clients { get; init; }

    /// <summary>Publications per second, all publishers together.</summary>
    public double? Rate { get; init; }

    /// <summary>Bytes of each publication's data.</summary>
    public int Size { get; init; } = 128;

    /// <summary>fanout and storm: channels, subscribers per channel (fanout), publishers.</summary>
    public int? Channels { get; init; }

    public int? Subscribers { get; init; }

    public int? Publishers { get; init; }

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>storm: <c>kill</c> SIGKILLs a gateway (when the bench started it); <c>close</c> aborts its clients' sockets.</summary>
    public string StormMode { get; init; } = "kill";
}
