using System.Diagnostics;
using System.Globalization;

namespace Realtime.Guarantees.Tests.Soak;

/// <summary>
/// Samples each service process's resident memory from /proc while the soak runs. A process
/// restarted by a fault is a new instance with its own warm-up; an instance is judged from its
/// first sample after warm-up to its last.
/// </summary>
public sealed class RssSampler(RealtimeSystem system, TimeSpan warmup)
{
    private readonly Dictionary<(string Name, int Pid), List<(TimeSpan Age, long Bytes)>> _samples = [];
    private readonly Dictionary<int, Stopwatch> _firstSeen = [];

    public async Task RunAsync(TimeSpan every, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var service in system.Gateways.Concat(system.Fanouts).Append(system.History).Append(system.Presence))
            {
                var pid = service.ProcessId;
                if (pid == 0 || ResidentBytes(pid) is not { } bytes)
                {
                    continue;
                }

                if (!_firstSeen.TryGetValue(pid, out var age))
                {
                    _firstSeen[pid] = age = Stopwatch.StartNew();
                }

                var key = (service.Name, pid);
                if (!_samples.TryGetValue(key, out var list))
                {
                    _samples[key] = list = [];
                }

                list.Add((age.Elapsed, bytes));
            }

            await Task.Delay(every, CancellationToken.None);
        }
    }

    /// <summary>
    /// Per instance that lived past warm-up: its RSS then, halfway from then to its last sample
    /// (growth that levels off shows there), and at its last sample.
    /// </summary>
    public IEnumerable<(string Name, int Pid, long AfterWarmup, long Halfway, long Last, TimeSpan Observed)> Instances()
    {
        foreach (var ((name, pid), samples) in _samples)
        {
            var settled = samples.FindIndex(s => s.Age >= warmup);
            if (settled >= 0 && settled < samples.Count - 1)
            {
                var halfway = samples[(settled + samples.Count - 1) / 2].Bytes;
                yield return (name, pid, samples[settled].Bytes, halfway, samples[^1].Bytes, samples[^1].Age - samples[settled].Age);
            }
        }
    }

    private static long? ResidentBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process just went away.
        }

        return null;
    }
}
