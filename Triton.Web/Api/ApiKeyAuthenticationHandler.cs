using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Triton.Core.Access;

namespace Triton.Web.Api;

/// <summary>Authenticates "Authorization: Bearer &lt;api key&gt;" against the hashed keys; failures count against the client's address.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys,
    ApiAuthFailureLimiter limiter) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // An anonymous endpoint with its own secret (the cron endpoint) reads the header itself.
        if (Context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            return AuthenticateResult.NoResult();
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var presented = header["Bearer ".Length..].Trim();
        var check = presented.Length == 0
            ? new ApiKeyCheck(ApiKeyCheckStatus.Unknown, null)
            : await keys.CheckAsync(presented, Context.RequestAborted);
        if (check is not { Status: ApiKeyCheckStatus.Valid, Key: { } key })
        {
            limiter.RecordFailure(Context.Connection.RemoteIpAddress);
            return AuthenticateResult.Fail(check.Status switch
            {
                ApiKeyCheckStatus.Revoked => "The API key was revoked.",
                ApiKeyCheckStatus.Expired => "The API key has expired.",
                _ => "Unknown API key.",
            });
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, $"api-key:{key.Name}"),
            new Claim("api_key_id", key.Id.ToString(CultureInfo.InvariantCulture)),
            new Claim(ApiScopes.ClaimType, key.Scope.ToString()),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return base.HandleChallengeAsync(properties);
    }
}
