using System.Diagnostics;

namespace Realtime.AppHost.Infrastructure;

/// <summary>
/// Where local Redis and PostgreSQL keep their data: a directory per AppHost run under the
/// system temp directory (readable by the postgres user, unlike a home directory). Directories
/// of runs whose AppHost is gone are removed at start.
/// </summary>
internal static class LocalDataDirectory
{
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static string Create(IConfiguration configuration)
    {
        var configured = configuration["Infrastructure:LocalDataDirectory"];
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.CreateDirectory(configured).FullName;
        }

        var root = Path.Combine(Path.GetTempPath(), "realtime-aspire");
        Directory.CreateDirectory(root);
        File.SetUnixFileMode(root, (UnixFileMode)0b111_111_111 | UnixFileMode.StickyBit);
        RemoveAbandonedRuns(root);
        var run = Directory.CreateDirectory(Path.Combine(root, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        File.SetUnixFileMode(run.FullName, (UnixFileMode)0b111_101_101);
        return run.FullName;
    }

    private static void RemoveAbandonedRuns(string root)
    {
        foreach (var directory in Directory.GetDirectories(root))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && !IsRunning(pid))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Still in use or not ours: leave it.
                }
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
