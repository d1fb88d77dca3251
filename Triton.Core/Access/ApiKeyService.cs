using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Access;

/// <summary>What an admin asks for when creating a key.</summary>
public sealed record ApiKeyRequest(string? Name, ApiScope Scope, DateTimeOffset? ExpiresAt);

/// <summary>A created key: the stored row and the plain key, shown once and never again.</summary>
public sealed record CreatedApiKey(ApiKey Key, string Secret);

/// <summary>The outcome of creating a key: the key, or the failing fields and why.</summary>
public sealed record ApiKeyCreation(CreatedApiKey? Created, IReadOnlyDictionary<string, string> Errors)
{
    public bool Succeeded => Created is not null;
}

public enum ApiKeyCheckStatus { Valid, Unknown, Revoked, Expired }

/// <summary>The key a bearer credential named, and whether it may be used now.</summary>
public sealed record ApiKeyCheck(ApiKeyCheckStatus Status, ApiKey? Key);

/// <summary>
/// The one entry point for API keys: create (from the admin page, or from configuration on an empty
/// database), list, revoke, and check a presented key. Keys are stored only as hashes. A presented
/// key's row is kept for <see cref="TritonOptions.ApiKeyCacheSeconds"/> rather than read on every
/// request: creating or revoking a key here applies at once, on another instance within that time.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<TritonDbContext> factory, TimeProvider time, IOptions<TritonOptions> options)
{
    // Compiled once per instance: a compiled query serves one model only.
    private readonly Func<TritonDbContext, string, CancellationToken, Task<ApiKey?>> _keyByHash =
        EF.CompileAsyncQuery((TritonDbContext db, string hash, CancellationToken _) => db.ApiKeys.AsNoTracking().FirstOrDefault(k => k.Hash == hash));

    private readonly RecentReads<string, ApiKey?> _keys = new(TimeSpan.FromSeconds(Math.Max(0, options.Value.ApiKeyCacheSeconds)), time);

    public const int MaxNameLength = 200;

    /// <summary>A key's use is written at most this often, so a busy client does not turn every request into a write.</summary>
    public static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().OrderBy(k => k.RevokedAt != null).ThenBy(k => k.Name).ThenBy(k => k.Id)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Creates a new random key.</summary>
    public Task<ApiKeyCreation> CreateAsync(ApiKeyRequest request, CancellationToken cancellationToken) =>
        CreateAsync(request, ApiKeySecrets.Generate(), cancellationToken);

    /// <summary>Creates a key with a given secret (the configured bootstrap key), at least <see cref="ApiKeySecrets.MinimumLength"/> characters.</summary>
    public async Task<ApiKeyCreation> CreateAsync(ApiKeyRequest request, string secret, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string>();
        var name = request.Name?.Trim() ?? "";
        if (name.Length == 0) errors["Name"] = "A key needs a name.";
        else if (name.Length > MaxNameLength) errors["Name"] = $"A key's name has at most {MaxNameLength} characters.";
        if (!Enum.IsDefined(request.Scope)) errors["Scope"] = $"The scope is one of {EnumNames.List<ApiScope>()}.";
        var now = time.GetUtcNow();
        if (request.ExpiresAt is { } expires && expires <= now) errors["ExpiresAt"] = "The expiry must be in the future.";
        secret = secret.Trim();
        if (secret.Length < ApiKeySecrets.MinimumLength)
            errors["Secret"] = $"An API key has at least {ApiKeySecrets.MinimumLength} characters.";
        if (errors.Count > 0) return new ApiKeyCreation(null, errors);

        var key = new ApiKey
        {
            Name = name,
            Prefix = ApiKeySecrets.Prefix(secret),
            Hash = ApiKeySecrets.Hash(secret),
            Scope = request.Scope,
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
        };
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        _keys.Forget();
        return new ApiKeyCreation(new CreatedApiKey(key, secret), new Dictionary<string, string>());
    }

    /// <summary>Revokes a key for good; false when no such key exists. Revoking twice keeps the first time.</summary>
    public async Task<bool> RevokeAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null) return false;
        key.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        _keys.Forget();
        return true;
    }

    /// <summary>Finds the key a client presented and says whether it may be used now; records the use.</summary>
    public async Task<ApiKeyCheck> CheckAsync(string presented, CancellationToken cancellationToken)
    {
        var key = await _keys.GetAsync(ApiKeySecrets.Hash(presented.Trim()), ReadAsync, cancellationToken);
        if (key is null) return new ApiKeyCheck(ApiKeyCheckStatus.Unknown, null);
        var now = time.GetUtcNow();
        if (key.RevokedAt is not null) return new ApiKeyCheck(ApiKeyCheckStatus.Revoked, key);
        if (key.ExpiresAt <= now) return new ApiKeyCheck(ApiKeyCheckStatus.Expired, key);
        if (key.LastUsedAt is null || now - key.LastUsedAt > LastUseResolution)
        {
            // Noted on the kept row first, so the other requests of this minute write nothing.
            key.LastUsedAt = now;
            try
            {
                await using var db = await factory.CreateDbContextAsync(cancellationToken);
                await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
            }
            catch (Exception exception) when (StorageFailure.Is(exception))
            {
                // A full or read-only database must not turn every read into an error: the note of use waits.
            }
        }
        return new ApiKeyCheck(ApiKeyCheckStatus.Valid, key);
    }

    private async Task<ApiKey?> ReadAsync(string hash, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await _keyByHash(db, hash, cancellationToken);
    }

    public async Task<bool> AnyAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AnyAsync(cancellationToken);
    }
}
