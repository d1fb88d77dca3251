using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;

namespace Triton.Core.Tracking;

/// <summary>
/// Signs and opens the tokens Triton puts in links and addresses: the payload travels in clear,
/// followed by a truncated HMAC-SHA256, all base64url. Each purpose (open, click, unsubscribe,
/// bounce...) gets its own key derived from one stored master key, so a token made for one purpose
/// never opens as another. The master key is created on first use and kept encrypted in the
/// database, so every instance signs and verifies alike.
/// </summary>
public sealed class TokenSigner(IDbContextFactory<TritonDbContext> contexts, ISecretProtector protector, TimeProvider time)
{
    private const string MasterPurpose = "tokens";
    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly ConcurrentDictionary<string, TokenKey> _keys = new(StringComparer.Ordinal);
    private byte[]? _master;

    /// <summary>
    /// Loads (or creates) the master key; call once before signing on a hot path. One key per purpose, derived once,
    /// so every run and request of that purpose shares the MACs it keeps.
    /// </summary>
    public async Task<TokenKey> KeyForAsync(string purpose, CancellationToken cancellationToken)
    {
        var master = _master ?? await LoadMasterAsync(cancellationToken);
        return _keys.GetOrAdd(purpose,
            static (name, master) => new TokenKey(HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, salt: [], info: Encoding.UTF8.GetBytes(name))), master);
    }

    private async Task<byte[]> LoadMasterAsync(CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_master is not null) return _master;
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var stored = await db.SigningKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Purpose == MasterPurpose, cancellationToken);
            if (stored is null)
            {
                db.SigningKeys.Add(new SigningKey
                {
                    Purpose = MasterPurpose,
                    ProtectedKey = protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
                    CreatedAt = time.GetUtcNow(),
                });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Another instance created it first: use theirs.
                }
                await using var reread = await contexts.CreateDbContextAsync(cancellationToken);
                stored = await reread.SigningKeys.AsNoTracking().FirstAsync(k => k.Purpose == MasterPurpose, cancellationToken);
            }
            return _master = Convert.FromBase64String(protector.Unprotect(stored.ProtectedKey));
        }
        finally
        {
            _loading.Release();
        }
    }
}

/// <summary>One purpose's key: signs payloads into tokens and opens tokens back into payloads.</summary>
/// <remarks>
/// Tokens are signed for every message (its unsubscribe link, each tracked link) by many workers at once.
/// HMACSHA256.HashData sets OpenSSL's MAC up afresh on each call; a kept one only resets, in well under half
/// the time. Each caller takes a kept MAC of its own, so none is used by two threads at once; there are as
/// many as callers ever signed at the same moment.
/// </remarks>
public sealed class TokenKey(byte[] key)
{
    private const int MacLength = 16;
    private readonly ConcurrentBag<IncrementalHash> _macs = [];

    private void Mac(ReadOnlySpan<byte> payload, Span<byte> mac)
    {
        if (!_macs.TryTake(out var hmac)) hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        try
        {
            hmac.AppendData(payload);
            hmac.GetHashAndReset(mac);
        }
        catch
        {
            // Its state is unknown: not kept.
            hmac.Dispose();
            throw;
        }
        _macs.Add(hmac);
    }

    public string Sign(ReadOnlySpan<byte> payload)
    {
        Span<byte> mac = stackalloc byte[32];
        Mac(payload, mac);
        var whole = new byte[payload.Length + MacLength];
        payload.CopyTo(whole);
        mac[..MacLength].CopyTo(whole.AsSpan(payload.Length));
        return Base64Url.EncodeToString(whole);
    }

    public string Sign(string payload) => Sign(Encoding.UTF8.GetBytes(payload));

    /// <summary>The payload, or null when the token is malformed or its signature does not match.</summary>
    public byte[]? Open(string token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 4096) return null;
        byte[] whole;
        try
        {
            whole = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return null;
        }
        if (whole.Length < MacLength) return null;
        var payload = whole.AsSpan(0, whole.Length - MacLength);
        Span<byte> mac = stackalloc byte[32];
        Mac(payload, mac);
        return CryptographicOperations.FixedTimeEquals(mac[..MacLength], whole.AsSpan(whole.Length - MacLength))
            ? payload.ToArray()
            : null;
    }

    public string? OpenText(string token) => Open(token) is { } payload ? Encoding.UTF8.GetString(payload) : null;
}
