using System.Globalization;

namespace Realtime.Guarantees.Tests.Soak;

/// <summary>
/// How long and how hard the soak runs. The test suite runs a short slice with the defaults;
/// <c>./eng/soak.sh</c> sets the environment for a long run.
/// </summary>
public sealed record SoakSettings(TimeSpan Duration, TimeSpan FaultEvery, int Channels, double PublishesPerSecond, TimeSpan Warmup)
{
    public static SoakSettings FromEnvironment() => new(
        Time("RT_SOAK_DURATION", TimeSpan.FromSeconds(25)),
        Time("RT_SOAK_FAULT_EVERY", TimeSpan.FromSeconds(5)),
        Number("RT_SOAK_CHANNELS", 4),
        Number("RT_SOAK_RATE", 20),
        Time("RT_SOAK_WARMUP", TimeSpan.FromSeconds(15)));

    private static TimeSpan Time(string name, TimeSpan fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? TimeSpan.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static int Number(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
