using Microsoft.Extensions.Options;

namespace Realtime.Auth;

/// <summary>Plugs <see cref="TokenOptions.Validate"/> into the options pipeline so ValidateOnStart stops a misconfigured gateway.</summary>
internal sealed class TokenOptionsValidator : IValidateOptions<TokenOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => $"{TokenOptions.SectionName}:{e}"));
    }
}
