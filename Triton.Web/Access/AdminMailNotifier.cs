using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Triton.Core.Data;
using Triton.Core.Mail;
using Triton.Core.Triggers;

namespace Triton.Web.Access;

/// <summary>
/// Emails every admin account a plain-text notice through Triggers:NotifyTransport (by name) or,
/// when that is unset, the transport and sender of the first active trigger.
/// </summary>
public sealed class AdminMailNotifier(
    IServiceScopeFactory scopes,
    IDbContextFactory<TritonDbContext> contexts,
    IMailTransports transports,
    IOptions<TriggerOptions> options,
    ILogger<AdminMailNotifier> logger) : IAdminNotifier
{
    public async Task<bool> NotifyAsync(string subject, string text, CancellationToken cancellationToken)
    {
        List<string> admins;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
            admins = (await users.GetUsersInRoleAsync(AdminRoles.Admin)).Select(u => u.Email).OfType<string>().ToList();
        }
        if (admins.Count == 0) return false;

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var firstTrigger = await db.Triggers.AsNoTracking().Where(t => t.Active).OrderBy(t => t.Id).FirstOrDefaultAsync(cancellationToken);
        var named = options.Value.NotifyTransport;
        var transport = !string.IsNullOrWhiteSpace(named)
            ? await db.Transports.AsNoTracking().FirstOrDefaultAsync(t => t.Name == named, cancellationToken)
            : firstTrigger is null ? null : await db.Transports.AsNoTracking().FirstOrDefaultAsync(t => t.Id == firstTrigger.TransportId, cancellationToken);
        var from = string.IsNullOrWhiteSpace(options.Value.NotifyFrom) ? firstTrigger?.FromAddress : options.Value.NotifyFrom;
        if (transport is null || from is null) return false;

        var sent = 0;
        foreach (var admin in admins)
        {
            var result = await transports.For(transport).SendAsync(new OutgoingMessage
            {
                From = new MailAddress(from, "Triton"), To = new MailAddress(admin), Subject = subject, Text = text,
            }, cancellationToken);
            if (result.Outcome == SendOutcome.Accepted) sent++;
            else logger.LogWarning("Notifying {Admin} failed: {Reply}", admin, result.Reply);
        }
        return sent > 0;
    }
}
