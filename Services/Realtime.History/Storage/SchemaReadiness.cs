namespace Realtime.History.Storage;

/// <summary>
/// Whether the schema is in place. The service listens before it is (so its liveness holds while
/// PostgreSQL is away); ingest and retention wait for it, and readiness reports it.
/// </summary>
internal sealed class SchemaReadiness
{
    private readonly TaskCompletionSource _migrated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Migrated => _migrated.Task;

    public bool IsMigrated => _migrated.Task.IsCompleted;

    public void MarkMigrated() => _migrated.TrySetResult();
}
