using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Access;

/// <summary>
/// Creates the first API key from Triton:Bootstrap:ApiKey, only while no key exists, so a
/// fresh deployment can be driven over the API without a default secret.
/// </summary>
public sealed class ApiKeyBootstrap(IDbContextFactory<TritonDbContext> factory, IOptions<TritonOptions> options, TimeProvider time)
{
    public const string KeyName = "bootstrap";

    public async Task<bool> EnsureAsync(CancellationToken cancellationToken)
    {
        var key = options.Value.Bootstrap.ApiKey;
        if (string.IsNullOrWhiteSpace(key)) return false;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (await db.ApiKeys.AnyAsync(cancellationToken)) return false;
        key = key.Trim();
        db.ApiKeys.Add(new ApiKey
        {
            Name = KeyName,
            Prefix = ApiKeySecrets.Prefix(key),
            Hash = ApiKeySecrets.Hash(key),
            CreatedAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
