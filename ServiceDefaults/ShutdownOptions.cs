using System.ComponentModel.DataAnnotations;

namespace Microsoft.Extensions.Hosting;

/// <summary>How long a service may take to stop once it is asked to (SIGTERM).</summary>
public sealed class ShutdownOptions
{
    public const string SectionName = "Shutdown";

    /// <summary>
    /// The host's shutdown deadline. It must stay below the orchestrator's grace period
    /// (Kubernetes: terminationGracePeriodSeconds) so the service ends on its own terms.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(25);
}
