using System.Text;
using Microsoft.Extensions.Options;

namespace Realtime.Fanout.ServerApi;

/// <summary>
/// Start-up checks of <see cref="ServerApiOptions"/>: a key long enough not to be guessed, and
/// no keyless API outside Development unless a second, explicit switch says so.
/// </summary>
internal sealed class ServerApiOptionsValidator(IHostEnvironment environment) : IValidateOptions<ServerApiOptions>
{
    public const int MinimumKeyBytes = 32;

    public ValidateOptionsResult Validate(string? name, ServerApiOptions options)
    {
        var errors = new List<string>();
        if (!string.IsNullOrEmpty(options.ApiKey) && Encoding.UTF8.GetByteCount(options.ApiKey) < MinimumKeyBytes)
        {
            errors.Add($"ServerApi:ApiKey must be at least {MinimumKeyBytes} bytes");
        }

        if (options.Insecure && !environment.IsDevelopment() && !options.AllowInsecureOutsideDevelopment)
        {
            errors.Add($"ServerApi:Insecure accepts calls without a key; it is refused in the {environment.EnvironmentName} environment " +
                "unless ServerApi:AllowInsecureOutsideDevelopment is set as well");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
