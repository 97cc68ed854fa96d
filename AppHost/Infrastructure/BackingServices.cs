namespace Realtime.AppHost.Infrastructure;

/// <summary>What the services connect to, whichever way it runs.</summary>
/// <param name="Redis">Connection string resource for Redis.</param>
/// <param name="HistoryDatabase">Connection string resource for the history database.</param>
/// <param name="Kafka">Connection string resource for Kafka, when the log is Kafka.</param>
/// <param name="LogTransport">The <c>Messaging:Transport</c> the services use.</param>
/// <param name="WaitFor">Resources the services wait for (healthy) before starting.</param>
internal sealed record BackingServices(
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResourceWithConnectionString> HistoryDatabase,
    IResourceBuilder<IResourceWithConnectionString>? Kafka,
    string LogTransport,
    IReadOnlyList<IResourceBuilder<IResource>> WaitFor);
