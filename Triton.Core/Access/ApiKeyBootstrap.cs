using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Domain;

namespace Triton.Core.Access;

/// <summary>
/// Creates the first API key (scope Admin) from Triton:Bootstrap:ApiKey, only while no key exists, so
/// a fresh deployment can be driven over the API without a default secret. A configured key shorter
/// than <see cref="ApiKeySecrets.MinimumLength"/> characters is refused with an error in the log; the
/// app still starts, without that key, so the admin and /setup stay reachable to fix it.
/// </summary>
public sealed class ApiKeyBootstrap(ApiKeyService keys, IOptions<TritonOptions> options, ILogger<ApiKeyBootstrap> logger)
{
    public const string KeyName = "bootstrap";

    public async Task<bool> EnsureAsync(CancellationToken cancellationToken)
    {
        var key = options.Value.Bootstrap.ApiKey;
        if (string.IsNullOrWhiteSpace(key)) return false;
        if (await keys.AnyAsync(cancellationToken)) return false;
        var created = await keys.CreateAsync(new ApiKeyRequest(KeyName, ApiScope.Admin, null), key, cancellationToken);
        if (created.Succeeded)
        {
            logger.LogInformation("Created the bootstrap API key {Prefix}… (scope admin) from configuration", created.Created!.Key.Prefix);
            return true;
        }
        logger.LogError(
            "Triton:Bootstrap:ApiKey was refused and no API key was created: it has {Length} characters and needs at least {Minimum}. " +
            "Set a random one, for example trk_ followed by the output of 'openssl rand -hex 24', or create a key on the /api-keys page.",
            key.Trim().Length, ApiKeySecrets.MinimumLength);
        return false;
    }
}
