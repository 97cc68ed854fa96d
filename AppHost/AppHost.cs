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

var gateway = builder.AddProject<Projects.Realtime_Gateway>(ServiceNames.Connection)
    .WithRealtimeDefaults(builder, backing)
    .WithReference(presence).WaitFor(presence)
    .WithReference(history).WaitFor(history)
    .WaitFor(fanout)
    // Two gateway instances behind one fixed address, so cross-node delivery is always in play.
    .WithReplicas(topology.GetValue("ConnectionReplicas", 2))
    .WithRunModePort(builder, topology.GetValue("ConnectionPort", 8000))
    .WithExternalHttpEndpoints();

if (builder.ExecutionContext.IsRunMode)
{
    // The demo application backend and its page (run mode only: it signs tokens with the
    // development key). The browser connects to the gateway from the demo's origin.
    var demo = builder.AddProject<Projects.Realtime_Demo>("demo")
        .WithReference(fanout)
        .WaitFor(gateway)
        .WithEnvironment("Demo__GatewayUrl", gateway.GetEndpoint("http"))
        .WithEnvironment("Demo__TokenHmacSecretKey", builder.Configuration["RunModeServices:Gateway:Token:HmacSecretKey"])
        .WithEnvironment("Demo__ServerApiKey", builder.Configuration["RunModeServices:ServerApi:ApiKey"])
        .WithExternalHttpEndpoints();
    gateway.WithEnvironment(context => context.EnvironmentVariables["Gateway__AllowedOrigins__9"] = demo.GetEndpoint("http"));
}

builder.Build().Run();
