using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Realtime.Testing;

/// <summary>Signs connection and subscription tokens the way an application backend would (HS256).</summary>
public sealed class TestTokens(string secret)
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials _credentials = new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256);

    public string Connection(string user, TimeSpan? lifetime = null, object? info = null, string[]? channels = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = user };
        if (info is not null) claims["info"] = info;
        if (channels is not null) claims["channels"] = channels;
        return Sign(claims, lifetime);
    }

    public string Subscription(string user, string channel, TimeSpan? lifetime = null) =>
        Sign(new Dictionary<string, object> { ["sub"] = user, ["channel"] = channel }, lifetime);

    /// <summary>A token with the given lifetime; a negative one is already expired.</summary>
    public string Sign(Dictionary<string, object> claims, TimeSpan? lifetime)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = _credentials,
            IssuedAt = lifetime is { } l && l < TimeSpan.Zero ? now + l - TimeSpan.FromMinutes(1) : now,
            NotBefore = lifetime is { } n && n < TimeSpan.Zero ? now + n - TimeSpan.FromMinutes(1) : now,
            Expires = lifetime is { } life ? now + life : null,
        };
        _handler.SetDefaultTimesOnTokenCreation = false;
        return _handler.CreateToken(descriptor);
    }
}
