using Realtime.Bench.Reporting;
using Realtime.Bench.Scenarios;

namespace Realtime.Bench;

/// <summary>Which scenario runs a command line asks for, in order; <c>matrix</c> is the standard set the README's table comes from.</summary>
internal static class BenchMatrix
{
    public delegate Task<ScenarioResult> ScenarioRun(ScenarioContext context, CancellationToken cancellationToken);

    public static IEnumerable<ScenarioRun> Runs(BenchCommandLine line)
    {
        var settings = line.Quick ? line.Settings with { Warmup = TimeSpan.FromSeconds(3), Duration = TimeSpan.FromSeconds(10) } : line.Settings;
        switch (line.Command)
        {
            case "im":
                yield return (c, t) => ImScenario.RunAsync(c, settings, t);
                break;
            case "fanout":
                yield return (c, t) => FanoutScenario.RunAsync(c, settings, t);
                break;
            case "idle":
                yield return (c, t) => IdleScenario.RunAsync(c, settings, line.PingWait, t);
                break;
            case "storm":
                yield return (c, t) => StormScenario.RunAsync(c, settings with { Warmup = TimeSpan.FromSeconds(5) }, t);
                break;
            case "matrix":
                foreach (var (size, rate) in new[] { (128, 2_000), (128, 9_000), (1024, 8_000), (4096, 6_000) })
                {
                    yield return (c, t) => ImScenario.RunAsync(c, settings with { Size = size, Rate = rate }, t);
                }

                yield return (c, t) => FanoutScenario.RunAsync(c, settings with { Rate = 150 }, t);
                yield return (c, t) => IdleScenario.RunAsync(c, settings, line.PingWait, t);
                yield return (c, t) => StormScenario.RunAsync(c, settings with { Warmup = TimeSpan.FromSeconds(5) }, t);
                break;
            default:
                throw new ArgumentException($"unknown scenario {line.Command}");
        }
    }
}
