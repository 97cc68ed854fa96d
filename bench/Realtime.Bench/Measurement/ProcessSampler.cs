using System.Globalization;

namespace Realtime.Bench.Measurement;

/// <summary>A process whose CPU and memory a run reports (with its children, for PostgreSQL's backends).</summary>
internal sealed record WatchedProcess(string Name, int Pid, bool WithChildren = false);

/// <summary>One process's CPU over a window (percent of one core) and its resident memory at the end.</summary>
internal sealed record ProcessUsage(string Name, double CpuPercent, double RssMiB);

/// <summary>
/// Reads CPU time and resident memory from /proc. CPU is reported as a share of one core over the
/// measured window, so on the 2-core development box 200 % is everything.
/// </summary>
internal sealed class ProcessSampler(IReadOnlyList<WatchedProcess> processes)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public IReadOnlyList<WatchedProcess> Processes => processes;

    public Snapshot Take()
    {
        var cpu = new long[processes.Count];
        var rss = new long[processes.Count];
        for (var i = 0; i < processes.Count; i++)
        {
            foreach (var pid in Members(processes[i]))
            {
                var (ticks, bytes) = Read(pid);
                cpu[i] += ticks;
                rss[i] += bytes;
            }
        }

        return new Snapshot(DateTime.UtcNow, cpu, rss);
    }

    public IReadOnlyList<ProcessUsage> Usage(Snapshot from, Snapshot to)
    {
        var seconds = Math.Max(0.001, (to.At - from.At).TotalSeconds);
        var usage = new List<ProcessUsage>(processes.Count);
        for (var i = 0; i < processes.Count; i++)
        {
            var cpu = (to.CpuTicks[i] - from.CpuTicks[i]) / TicksPerSecond / seconds * 100;
            usage.Add(new ProcessUsage(processes[i].Name, Math.Round(Math.Max(0, cpu), 1), Math.Round(to.RssBytes[i] / 1048576.0, 1)));
        }

        return usage;
    }

    /// <summary>Resident memory of one watched process now.</summary>
    public static long RssBytes(int pid) => Read(pid).RssBytes;

    private static IEnumerable<int> Members(WatchedProcess process)
    {
        yield return process.Pid;
        if (!process.WithChildren)
        {
            yield break;
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != process.Pid && ParentOf(pid) == process.Pid)
            {
                yield return pid;
            }
        }
    }

    private static int ParentOf(int pid)
    {
        var fields = StatFields(pid);
        return fields is null ? -1 : int.Parse(fields[1], CultureInfo.InvariantCulture);
    }

    /// <summary>Fields of /proc/pid/stat after the command name: [0] state, [1] ppid, … [11] utime, [12] stime.</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // Gone.
        }
    }

    private static (long CpuTicks, long RssBytes) Read(int pid)
    {
        var fields = StatFields(pid);
        if (fields is null)
        {
            return (0, 0);
        }

        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        long rss = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                    break;
                }
            }
        }
        catch (IOException)
        {
        }

        return (ticks, rss);
    }

    /// <summary>CPU ticks and resident bytes of every watched process at one moment.</summary>
    public sealed record Snapshot(DateTime At, long[] CpuTicks, long[] RssBytes);
}
