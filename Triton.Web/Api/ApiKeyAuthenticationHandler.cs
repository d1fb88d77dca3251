using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Triton.Core.Access;
using Triton.Core.Data;

namespace Triton.Web.Api;

/// <summary>Authenticates "Authorization: Bearer &lt;api key&gt;" against the hashed keys.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TritonDbContext db,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var key = header["Bearer ".Length..].Trim();
        if (key.Length == 0) return AuthenticateResult.Fail("Empty API key.");

        var hash = ApiKeySecrets.Hash(key);
        var apiKey = await db.ApiKeys.FirstOrDefaultAsync(k => k.Hash == hash, Context.RequestAborted);
        if (apiKey is null) return AuthenticateResult.Fail("Unknown API key.");

        var now = time.GetUtcNow();
        // Record use at most once a minute: a busy client must not turn every request into a write.
        if (apiKey.LastUsedAt is null || now - apiKey.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            apiKey.LastUsedAt = now;
            try
            {
                await db.SaveChangesAsync(Context.RequestAborted);
            }
            catch (DbUpdateException exception) when (StorageFailure.Is(exception))
            {
                // A full or read-only database must not turn every read into an error: the note of use waits.
                Logger.LogWarning(exception, "Recording the use of API key {KeyId} failed", apiKey.Id);
                db.ChangeTracker.Clear();
            }
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, $"api-key:{apiKey.Name}"), new Claim("api_key_id", apiKey.Id.ToString())],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
