using System.Diagnostics;

namespace Realtime.AppHost.Infrastructure;

/// <summary>How Redis, PostgreSQL and the log run: in containers, or as locally installed programs.</summary>
internal enum InfrastructureMode
{
    Containers,
    Local,
}

internal static class InfrastructureModeDetection
{
    /// <summary>The setting that overrides detection: <c>auto</c> (default), <c>containers</c> or <c>local</c>.</summary>
    public const string SettingName = "Infrastructure:Mode";

    public static InfrastructureMode Resolve(IConfiguration configuration)
    {
        var setting = configuration[SettingName];
        return setting?.ToLowerInvariant() switch
        {
            null or "" or "auto" => ContainerRuntimeAnswers() ? InfrastructureMode.Containers : InfrastructureMode.Local,
            "containers" => InfrastructureMode.Containers,
            "local" => InfrastructureMode.Local,
            _ => throw new DistributedApplicationException($"{SettingName} is '{setting}'; use auto, containers or local."),
        };
    }

    /// <summary>Whether docker (or podman) has a working engine behind it, asked with a short timeout.</summary>
    private static bool ContainerRuntimeAnswers()
    {
        foreach (var runtime in new[] { "docker", "podman" })
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(runtime, "info")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                });
                if (process is null)
                {
                    continue;
                }

                process.StandardOutput.ReadToEndAsync();
                process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
                {
                    process.Kill(entireProcessTree: true);
                    continue;
                }

                if (process.ExitCode == 0)
                {
                    return true;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed.
            }
        }

        return false;
    }
}
