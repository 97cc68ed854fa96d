using System.Text;

namespace Realtime.Auth;

/// <summary>
/// Token verification settings, bound from <see cref="SectionName"/>. The top-level keys verify
/// connection tokens, and subscription tokens too unless <see cref="Subscription"/> has a key of its own
/// (Centrifugo's <c>separate_subscription_token_config</c>).
/// </summary>
public sealed class TokenOptions : TokenKeyOptions
{
    /// <summary>The configuration section the gateway binds.</summary>
    public const string SectionName = "Gateway:Token";

    /// <summary>Largest accepted <see cref="ClockSkew"/>: more keeps expired tokens alive for too long.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Tolerance applied to <c>exp</c>, <c>expire_at</c> and <c>nbf</c>. Default zero, as in Centrifugo:
    /// token issuers and the gateway are expected to run NTP-synchronised clocks.
    /// </summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.Zero;

    /// <summary>Keys (and audience/issuer) for subscription tokens only; used when any key here is set.</summary>
    public TokenKeyOptions Subscription { get; set; } = new();

    /// <summary>Every configuration problem, worded without any configured value.</summary>
    public IReadOnlyList<string> Validate() => TokenOptionsValidation.Validate(this);

    /// <summary>Says which keys are set, never their values.</summary>
    public override string ToString()
    {
        var text = AppendTo(new StringBuilder("TokenOptions { "));
        text.Append(", ClockSkew=").Append(ClockSkew).Append(", Subscription={ ");
        return Subscription.AppendTo(text).Append(" } }").ToString();
    }
}
