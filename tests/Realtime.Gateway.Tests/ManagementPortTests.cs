using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Realtime.Testing;

namespace Realtime.Gateway.Tests;

/// <summary>
/// The service defaults' management port: with <c>Management:Port</c> the operational endpoints
/// answer only there and the application only on its own port (the port a request arrived on
/// decides, not its Host header); without it both answer on every port.
/// </summary>
public sealed class ManagementPortTests
{
    [Fact]
    public async Task With_a_management_port_health_and_metrics_leave_the_public_port()
    {
        var (publicPort, managementPort) = (FreePort.Next(), FreePort.Next());
        await using var app = await StartAsync(publicPort, managementPort);
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, publicPort, "/app"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, publicPort, "/health"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, publicPort, "/metrics"));
        // A Host header naming the management port does not get a public request in.
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, publicPort, "/alive", host: $"127.0.0.1:{managementPort}"));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, managementPort, "/health"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, managementPort, "/alive"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, managementPort, "/metrics"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, managementPort, "/app"));
    }

    [Fact]
    public async Task Without_one_everything_answers_on_the_service_port()
    {
        var publicPort = FreePort.Next();
        await using var app = await StartAsync(publicPort, managementPort: null);
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, publicPort, "/app"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, publicPort, "/health"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, publicPort, "/metrics"));
    }

    private static async Task<WebApplication> StartAsync(int publicPort, int? managementPort)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        // As a container sets it (ASPNETCORE_HTTP_PORTS); the management port is added beside it.
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, publicPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (managementPort is { } port)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Management:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapGet("/app", () => Results.Ok());
        app.MapDefaultEndpoints();
        await app.StartAsync();
        return app;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, int port, string path, string? host = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
