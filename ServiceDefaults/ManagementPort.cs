using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Adds the management port to the addresses the service listens on, and keeps the operational
/// endpoints and the application apart by the port a request arrived on (the connection's
/// local port, which a client cannot forge the way it can a Host header).
/// </summary>
internal static class ManagementPort
{
    /// <summary>
    /// Listens on the management port as well as on the configured addresses (<c>urls</c>, else
    /// <c>http_ports</c>, else ASP.NET Core's default). Explicit Kestrel endpoints replace these
    /// addresses altogether; there the management port must be one of them.
    /// </summary>
    public static void Listen(WebApplicationBuilder builder, int port)
    {
        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        if (string.IsNullOrWhiteSpace(urls))
        {
            var httpPorts = builder.WebHost.GetSetting(WebHostDefaults.HttpPortsKey);
            urls = string.IsNullOrWhiteSpace(httpPorts)
                ? "http://localhost:5000"
                : string.Join(';', httpPorts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}"));
        }

        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, $"{urls};http://*:{port}");
    }

    /// <summary>Answers 404 to operational paths off the management port and to everything else on it.</summary>
    public static void Separate(WebApplication app, int port) =>
        app.Use((context, next) =>
        {
            if ((context.Connection.LocalPort == port) != IsOperational(context.Request.Path))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });

    private static bool IsOperational(PathString path) =>
        path.StartsWithSegments(HealthCheckExtensions.HealthPath)
        || path.StartsWithSegments(HealthCheckExtensions.AlivePath)
        || path.StartsWithSegments(HealthCheckExtensions.MetricsPath);

    public static int Configured(IConfiguration configuration) =>
        configuration.GetSection(ManagementOptions.SectionName).GetValue<int>(nameof(ManagementOptions.Port));
}
