namespace Realtime.AppHost.Infrastructure;

internal static class RedisDurability
{
    /// <summary>
    /// The Redis settings the guarantees assume, as the Kubernetes statefulset has them: every
    /// write appended to the append-only file (fsync each second) rather than only snapshotted,
    /// and writes refused rather than keys evicted when memory runs out (an evicted stream or
    /// channel position would lose publications or repeat offsets).
    /// </summary>
    /// <remarks>
    /// Aspire starts Redis as <c>/bin/sh -c "redis-server …"</c> and offers only snapshot
    /// persistence, so this extends that command line; it fails the AppHost at once if Aspire
    /// ever starts Redis another way, rather than deploying a Redis without its log.
    /// </remarks>
    public static IResourceBuilder<RedisResource> WithAppendOnlyFile(this IResourceBuilder<RedisResource> redis) =>
        redis.WithArgs(context =>
        {
            var script = context.Args.IndexOf("-c") + 1;
            if (script <= 0 || script >= context.Args.Count || context.Args[script] is not string command
                || !command.StartsWith("redis-server", StringComparison.Ordinal))
            {
                throw new DistributedApplicationException("Aspire no longer starts Redis as /bin/sh -c \"redis-server …\"; the append-only file cannot be switched on.");
            }

            context.Args[script] = $"{command} --appendonly yes --appendfsync everysec --maxmemory-policy noeviction";
        });
}
