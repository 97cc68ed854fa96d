using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Http.Features;
using Realtime.Gateway.Telemetry;

namespace Realtime.Infra.Tests.Support;

/// <summary>
/// The metric names as Prometheus sees them: a web app configured by the real ServiceDefaults
/// (OpenTelemetry's Prometheus exporter at /metrics) is scraped once, so the names a scaler
/// queries are checked against the exporter's own naming (dots to underscores, unit suffixes,
/// _total on counters), not a guess at it.
/// </summary>
public sealed partial class ExportedMetrics : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>Metric family name → type, from the scrape's # TYPE lines.</summary>
    public IReadOnlyDictionary<string, string> Families { get; private set; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        await _app.StartAsync();

        // Touch the gateway's instruments so each has a point to export.
        GatewayMetrics.Connections.Add(0);
        GatewayMetrics.RecordReceived(0);

        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var scrape = await http.GetStringAsync(new Uri(new Uri(address), Microsoft.Extensions.Hosting.HealthCheckExtensions.MetricsPath));
        Families = TypeLine().Matches(scrape).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["type"].Value);
    }

    /// <summary>The exported family of an instrument: its name with dots as underscores, plus whatever suffix the exporter adds.</summary>
    public string FamilyOf(string instrument)
    {
        var stem = instrument.Replace('.', '_');
        return Families.ContainsKey(stem)
            ? stem
            : Families.Keys.SingleOrDefault(name => name.StartsWith(stem + "_", StringComparison.Ordinal))
                ?? throw new Xunit.Sdk.XunitException($"{instrument} is not in the scrape: {string.Join(", ", Families.Keys)}");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [GeneratedRegex(@"^# TYPE (?<name>\S+) (?<type>\S+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
