using Realtime.AppHost.Infrastructure;
using Realtime.Contracts;

// The whole topology on one screen: four services over Redis, PostgreSQL and the publication log.
var builder = DistributedApplication.CreateBuilder(args);

// A published deployment (azd, the manifest) always describes containers.
var mode = builder.ExecutionContext.IsPublishMode ? InfrastructureMode.Containers : InfrastructureModeDetection.Resolve(builder.Configuration);
var backing = mode == InfrastructureMode.Containers ? ContainerInfrastructure.Add(builder, ServiceNames.HistoryDatabase)
    : !OperatingSystem.IsWindows() ? LocalInfrastructure.Add(builder, ServiceNames.HistoryDatabase)
    : throw new DistributedApplicationException("Local infrastructure needs Linux or macOS; on Windows run with a container runtime.");
var topology = builder.Configuration.GetSection("Topology");

var presence = builder.AddProject<Projects.Realtime_Presence>(ServiceNames.Presence)
    .WithRealtimeDefaults(builder, backing);

var history = builder.AddProject<Projects.Realtime_History>(ServiceNames.History)
    .WithRealtimeDefaults(builder, backing)
    .WithReference(backing.HistoryDatabase, connectionName: ServiceNames.HistoryDatabase);

var fanout = builder.AddProject<Projects.Realtime_Fanout>(ServiceNames.Fanout)
    .WithRealtimeDefaults(builder, backing)
    .WithReference(presence).WithReference(history)
    // New channels start from history's durable maximum.
    .WaitFor(history)
    // The server API's fixed local address (http://localhost:9000); a deployment's ingress chooses its own.
    .WithRunModePort(builder, topology.GetValue("ServerApiPort", 9000))
    .WithExternalHttpEndpoints();

builder.AddProject<Projects.Realtime_Gateway>(ServiceNames.Connection)
    .WithRealtimeDefaults(builder, backing)
    .WithReference(presence).WaitFor(presence)
    .WithReference(history).WaitFor(history)
    .WaitFor(fanout)
    // Two gateway instances behind one fixed address, so cross-node delivery is always in play.
    .WithReplicas(topology.GetValue("ConnectionReplicas", 2))
    .WithRunModePort(builder, topology.GetValue("ConnectionPort", 8000))
    .WithExternalHttpEndpoints();

builder.Build().Run();
