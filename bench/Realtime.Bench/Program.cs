using System.Text.Json;
using Realtime.Bench;
using Realtime.Bench.Clients;
using Realtime.Bench.Reporting;
using Realtime.Bench.Scenarios;
using Realtime.Bench.SystemUnderTest;
using Realtime.Testing;

// The load generator's sockets complete on their event thread instead of hopping to the thread
// pool: it halves the bench's CPU per message, leaving more of the shared cores to the system it
// measures (the services it starts do not inherit this; see ServiceProcess).
Environment.SetEnvironmentVariable(ServiceProcess.InlineSocketCompletions, "1");

BenchCommandLine commandLine;
try
{
    commandLine = BenchCommandLine.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchCommandLine.Usage);
    return 2;
}

if (commandLine.Command is "help" or "--help" or "-h")
{
    Console.WriteLine(BenchCommandLine.Usage);
    return 0;
}

using var cancellation = new CancellationTokenSource();
// Ctrl+C and SIGTERM both end the run the same way: everything the bench started is stopped.
using var onInterrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
void Stop(System.Runtime.InteropServices.PosixSignalContext signal)
{
    signal.Cancel = true;
    cancellation.Cancel();
}

var log = Console.Out;
// Awaits that end on socket I/O resume on the socket event thread (inline completions): the
// orchestration is forced back onto the thread pool, where blocking for a moment is harmless.
await using ISystemUnderTest system = commandLine.Targets.Count > 0
    ? new ExternalSystem(commandLine.Targets, commandLine.Watch, commandLine.Secret)
    : await LocalSystem.StartAsync(commandLine.Gateways, commandLine.ServiceSettings, log).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
var sources = new SourceAddresses(commandLine.Sources);
var context = new ScenarioContext(system, sources, log);
if (commandLine.Command == "serve")
{
    // The system stays up for other tools (a profiler, a second bench with --target) until Ctrl+C.
    if (system is LocalSystem local)
    {
        foreach (var (name, address, pid) in local.Services)
        {
            log.WriteLine($"{name,-10} pid {pid,-7} {address}  (metrics: {address}metrics)");
        }

        log.WriteLine($"token secret: {system.TokenSecret}");
        log.WriteLine($"targets: {string.Join(" ", system.Gateways.Select(g => "--target " + g))}");
        log.WriteLine($"watch: {string.Join(" ", system.Watched.Select(w => $"--watch {w.Name}={w.Pid}"))}");
    }

    log.WriteLine("Serving; Ctrl+C stops everything.");
    await Task.Delay(Timeout.Infinite, cancellation.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    return 0;
}

var report = new BenchReport(DateTime.UtcNow, Environment.MachineName, Environment.ProcessorCount, Environment.Version.ToString(), []);

try
{
    var first = true;
    foreach (var run in BenchMatrix.Runs(commandLine))
    {
        var draining = System.Diagnostics.Stopwatch.StartNew();
        if (!first && !await context.System.WaitUntilDrainedAsync(TimeSpan.FromMinutes(2), cancellation.Token))
        {
            log.WriteLine("The log's consumers had not caught up after 2 minutes (or the log is out of sight): the next scenario starts over a backlog.");
        }
        else if (draining.Elapsed > TimeSpan.FromSeconds(1))
        {
            log.WriteLine($"The log's consumers caught up with the previous scenario's backlog in {draining.Elapsed.TotalSeconds:F1} s.");
        }

        first = false;
        // Socket completions run inline on the event thread (see above): the next scenario must
        // not start there, or a blocking call in it (killing a process) would stall every socket.
        var result = await run(context, cancellation.Token).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        report.Scenarios.Add(result);
        log.WriteLine();
        log.Write(ReportTable.Render(report with { Scenarios = [result] }));
        log.WriteLine();
    }
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    log.WriteLine("Cancelled.");
}

log.WriteLine();
log.WriteLine($"Realtime.Aspire bench — {report.ProcessorCount} cores, .NET {report.Runtime}, everything on this machine");
log.Write(ReportTable.Render(report));
if (commandLine.Markdown)
{
    log.WriteLine();
    log.Write(ReportTable.Render(report, markdown: true));
}

var output = commandLine.Output ?? Path.Combine(ServiceBuildRoot(), "bench", "results", $"{report.StartedAt:yyyyMMdd-HHmmss}.json");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report, BenchJsonContext.Default.BenchReport));
log.WriteLine($"JSON report: {output}");
return report.Scenarios.Count > 0 ? 0 : 1;

static string ServiceBuildRoot()
{
    try
    {
        return Realtime.Testing.ServiceBuild.RepositoryRoot();
    }
    catch (InvalidOperationException)
    {
        return Directory.GetCurrentDirectory();
    }
}
