using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Realtime.Messaging.Dapr.Tests;

/// <summary>
/// The server side of daprd's gRPC service <c>dapr.proto.runtime.v1.Dapr</c>, for the one
/// method the transport calls. Dapr.Protos 1.19.0 ships only the client stub of that service
/// (no <c>Dapr.DaprBase</c>), so the method is declared here with the package's own message
/// types and bound the way Grpc.AspNetCore binds generated services.
/// </summary>
[BindServiceMethod(typeof(DaprApiBase), nameof(BindService))]
public abstract class DaprApiBase
{
    private static readonly Method<PublishEventRequest, Empty> PublishEventMethod = new(
        MethodType.Unary,
        "dapr.proto.runtime.v1.Dapr",
        "PublishEvent",
        Marshallers.Create(static (PublishEventRequest m) => m.ToByteArray(), PublishEventRequest.Parser.ParseFrom),
        Marshallers.Create(static (Empty m) => m.ToByteArray(), Empty.Parser.ParseFrom));

    public virtual Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, ""));

    public static void BindService(ServiceBinderBase binder, DaprApiBase? service) =>
        binder.AddMethod(PublishEventMethod, service is null ? null : service.PublishEvent);
}
