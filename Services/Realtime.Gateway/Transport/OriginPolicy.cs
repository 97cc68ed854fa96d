using Microsoft.Extensions.Primitives;

namespace Realtime.Gateway.Transport;

/// <summary>
/// Which browser origins may open a WebSocket. Non-browser clients send no Origin and are
/// allowed; a browser page is allowed only when its origin is listed (<c>*</c> allows all,
/// <c>https://*.example.com</c> allows subdomains).
/// </summary>
internal static class OriginPolicy
{
    public static bool IsAllowed(StringValues origin, IReadOnlyList<string> allowed)
    {
        if (StringValues.IsNullOrEmpty(origin))
        {
            return true;
        }

        var value = origin.ToString();
        foreach (var pattern in allowed)
        {
            if (pattern == "*" || string.Equals(pattern, value, StringComparison.OrdinalIgnoreCase) || MatchesWildcard(pattern, value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool MatchesWildcard(string pattern, string origin)
    {
        var star = pattern.IndexOf("://*.", StringComparison.Ordinal);
        if (star < 0)
        {
            return false;
        }

        var scheme = pattern[..(star + 3)];
        var suffix = pattern[(star + 4)..]; // ".example.com"
        return origin.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && origin.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
            && origin.Length > scheme.Length + suffix.Length;
    }
}
