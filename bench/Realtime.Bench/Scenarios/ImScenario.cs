using System.Globalization;
using Realtime.Bench.Reporting;
using Realtime.Bench.SystemUnderTest;

namespace Realtime.Bench.Scenarios;

/// <summary>
/// Instant messaging: N clients in N/2 pairs, each pair on a channel of its own (presence,
/// history of 100 for 300 s, forced recovery), the two ends on different gateways. Every client
/// publishes at rate/N per second; both ends receive each message, the sender too.
/// </summary>
internal static class ImScenario
{
    public const int DefaultClients = 1_000;

    public static Task<ScenarioResult> RunAsync(ScenarioContext context, ScenarioSettings settings, CancellationToken cancellationToken)
    {
        var clients = settings.Clients ?? DefaultClients;
        var rate = settings.Rate ?? 2_000;
        var layout = ClientLayout.Pairs(LocalSystem.ChatNamespace, "pair", clients, context.System.Gateways.Count, publish: true);
        var parameters = new Dictionary<string, string>
        {
            ["clients"] = clients.ToString(CultureInfo.InvariantCulture),
            ["rate"] = rate.ToString(CultureInfo.InvariantCulture),
            ["size"] = settings.Size.ToString(CultureInfo.InvariantCulture),
        };
        return TimedPublishing.RunAsync(context, "im", $"im {Sizes.Describe(settings.Size)} @ {rate:0}/s", parameters, layout, settings, rate, cancellationToken: cancellationToken);
    }
}
