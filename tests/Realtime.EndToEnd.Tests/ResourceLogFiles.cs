using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// Writes every resource's console log (each gateway replica separately) to
/// <c>resource-logs/</c> next to the test assembly, so a failure in CI can be read afterwards.
/// </summary>
internal static class ResourceLogFiles
{
    public static Task Start(DistributedApplication app, CancellationToken stop)
    {
        var directory = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "resource-logs")).FullName;
        var loggers = app.Services.GetRequiredService<ResourceLoggerService>();
        var watching = new ConcurrentDictionary<string, Task>();
        return Task.Run(async () =>
        {
            try
            {
                await foreach (var update in app.ResourceNotifications.WatchAsync(stop))
                {
                    _ = watching.GetOrAdd(update.ResourceId, id => Task.Run(() => CopyAsync(loggers, id, Path.Combine(directory, id + ".log"), stop), stop));
                }
            }
            catch (OperationCanceledException)
            {
            }

            await Task.WhenAll(watching.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }, stop);
    }

    private static async Task CopyAsync(ResourceLoggerService loggers, string resourceId, string path, CancellationToken stop)
    {
        await using var file = new StreamWriter(path, append: false) { AutoFlush = true };
        try
        {
            await foreach (var batch in loggers.WatchAsync(resourceId).WithCancellation(stop))
            {
                foreach (var line in batch)
                {
                    await file.WriteLineAsync(line.Content);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
