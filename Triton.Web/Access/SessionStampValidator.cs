using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Triton.Web.Access;

/// <summary>
/// Checks the user's security stamp on every request, as Identity's validator does with a zero interval, without
/// issuing a new sign-in cookie each time. Identity's validator signs the cookie again after every successful check,
/// so a request still in flight when the user signed out (the admin's circuit connecting, say) set the cookie again
/// after sign-out had cleared it, and the browser was signed in again. A role change, password reset or deletion still
/// ends the user's sessions at their next request (the stamp no longer matches), and sliding expiration still renews
/// the cookie once half its lifetime has passed.
/// </summary>
internal sealed class SessionStampValidator(IOptions<SecurityStampValidatorOptions> options, SignInManager<AdminUser> signIn, ILoggerFactory loggers)
    : SecurityStampValidator<AdminUser>(options, signIn, loggers)
{
    protected override Task SecurityStampVerified(AdminUser user, CookieValidatePrincipalContext context) => Task.CompletedTask;
}
