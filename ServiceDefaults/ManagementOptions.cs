using System.ComponentModel.DataAnnotations;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Where the operational endpoints (<c>/health</c>, <c>/alive</c>, <c>/metrics</c>) answer. By
/// default on every port the service listens on; with a management port, only there, and the
/// public port answers them 404 — for platforms whose public ingress reaches the app's one HTTP
/// port (Azure Container Apps), where probes and scrapers use the second port.
/// </summary>
public sealed class ManagementOptions
{
    public const string SectionName = "Management";

    /// <summary>The port the operational endpoints move to (0: none, they stay on every port).</summary>
    [Range(0, 65_535)]
    public int Port { get; set; }
}
