using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Realtime.Demo;

/// <summary>Signs the tokens an application backend gives its signed-in users: one per connection, one per private channel.</summary>
public sealed class DemoTokens(IOptions<DemoOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials = new(
        new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.Value.TokenHmacSecretKey)), SecurityAlgorithms.HmacSha256);

    public string Connection(string user) => Sign(new Dictionary<string, object>
    {
        ["sub"] = user,
        // Shown to the other users in presence and join/leave events.
        ["info"] = new Dictionary<string, object> { ["name"] = user },
    });

    public string Subscription(string user, string channel) =>
        Sign(new Dictionary<string, object> { ["sub"] = user, ["channel"] = channel });

    private string Sign(Dictionary<string, object> claims)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = now,
            Expires = now + options.Value.TokenLifetime,
            SigningCredentials = _credentials,
        });
    }
}
