using System.Globalization;
using Realtime.Bench.Reporting;
using Realtime.Bench.SystemUnderTest;

namespace Realtime.Bench.Scenarios;

/// <summary>
/// Broadcast: R channels × S subscribers, spread over the gateways, and P publishers (not
/// subscribed) publishing round-robin over the channels. The rate is in publications per
/// second; deliveries per second are S times that.
/// </summary>
internal static class FanoutScenario
{
    public static Task<ScenarioResult> RunAsync(ScenarioContext context, ScenarioSettings settings, CancellationToken cancellationToken)
    {
        var rooms = settings.Channels ?? 10;
        var subscribers = settings.Subscribers ?? 500;
        var publishers = settings.Publishers ?? 10;
        var rate = settings.Rate ?? 150;
        var layout = ClientLayout.Rooms(LocalSystem.BroadcastNamespace, rooms, subscribers, publishers, context.System.Gateways.Count);
        var parameters = new Dictionary<string, string>
        {
            ["channels"] = rooms.ToString(CultureInfo.InvariantCulture),
            ["subscribers"] = subscribers.ToString(CultureInfo.InvariantCulture),
            ["publishers"] = publishers.ToString(CultureInfo.InvariantCulture),
            ["rate"] = rate.ToString(CultureInfo.InvariantCulture),
            ["size"] = settings.Size.ToString(CultureInfo.InvariantCulture),
        };
        var label = $"fanout {rooms}×{subscribers} {Sizes.Describe(settings.Size)} @ {rate * subscribers:0} deliveries/s";
        return TimedPublishing.RunAsync(context, "fanout", label, parameters, layout, settings, rate, cancellationToken: cancellationToken);
    }
}
