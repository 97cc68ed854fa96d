using Realtime.Bench.Measurement;

namespace Realtime.Bench.Reporting;

/// <summary>
/// Everything one scenario run measured. Rates are per second over the measured window;
/// <see cref="Measures"/> holds what only some scenarios have (memory per connection, storm
/// recovery time…).
/// </summary>
internal sealed record ScenarioResult
{
    public required string Scenario { get; init; }

    /// <summary>The scenario and its main parameters, as the table shows it (e.g. <c>im 128 B @ 2000/s</c>).</summary>
    public required string Label { get; init; }

    public required Dictionary<string, string> Parameters { get; init; }

    public double AskedRate { get; init; }

    public double SentRate { get; init; }

    public double AckedRate { get; init; }

    public double DeliveriesPerSecond { get; init; }

    public required LatencySummary Latency { get; init; }

    public required DeliveryCounts Deliveries { get; init; }

    public double ConnectRate { get; init; }

    public required IReadOnlyList<ProcessUsage> Processes { get; init; }

    public Dictionary<string, double> Measures { get; init; } = [];

    public List<string> Notes { get; init; } = [];
}

/// <summary>A whole bench run: the machine, then each scenario.</summary>
internal sealed record BenchReport(DateTime StartedAt, string Machine, int ProcessorCount, string Runtime, List<ScenarioResult> Scenarios);
