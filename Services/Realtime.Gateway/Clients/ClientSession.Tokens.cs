using Realtime.Auth;
using Realtime.Protocol.Codes;

namespace Realtime.Gateway.Clients;

internal sealed partial class ClientSession
{
    /// <summary>What an invalid token costs the client: the connection, or only the command.</summary>
    private enum InvalidTokenOutcome
    {
        Disconnect,
        PermissionDenied,
    }

    /// <summary>
    /// Verifies a token a command carries. On failure the client has been answered — 100 when
    /// the key set is unreachable (a server problem it may retry), 109 when the token expired
    /// (the SDK fetches another), and for a bad token a disconnect or 103 — and null is returned.
    /// </summary>
    private async Task<TToken?> VerifyTokenAsync<TToken, TState>(uint id, string kind, InvalidTokenOutcome invalid, TState state,
        Func<ITokenVerifier, TState, CancellationToken, ValueTask<TToken>> verify)
        where TToken : class
    {
        try
        {
            return await verify(_node.Tokens, state, _closed.Token);
        }
        catch (TokenKeysUnavailableException)
        {
            ReplyError(id, ProtocolError.Internal);
        }
        catch (TokenExpiredException)
        {
            ReplyError(id, ProtocolError.TokenExpired);
        }
        catch (InvalidTokenException e)
        {
            LogTokenRejected(_node.Logger, ClientId, kind, e.Message);
            if (invalid == InvalidTokenOutcome.Disconnect)
            {
                Close(Disconnect.InvalidToken);
            }
            else
            {
                ReplyError(id, ProtocolError.PermissionDenied);
            }
        }

        return null;
    }

    /// <summary>A connection token (connect, refresh): a bad one ends the connection.</summary>
    private Task<ConnectionToken?> VerifyConnectionTokenAsync(uint id, string kind, string token) =>
        VerifyTokenAsync(id, kind, InvalidTokenOutcome.Disconnect, token, static (tokens, t, cancellationToken) => tokens.VerifyConnectionTokenAsync(t, cancellationToken));
}
