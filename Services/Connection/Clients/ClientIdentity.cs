using Realtime.Protocol;

namespace Realtime.Connection.Clients;

/// <summary>Who a connected client is, as established at connect.</summary>
/// <param name="User">The user id (<c>sub</c> claim); empty for anonymous clients.</param>
/// <param name="Info">Connection info shown to others in publications and presence.</param>
internal sealed record ClientIdentity(string User, RawJson Info);
