using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;

namespace Triton.Core.Bounces;

/// <summary>Where the bounce mailbox's settings in force come from.</summary>
public enum BounceSettingsSource { Configuration, Saved }

/// <summary>
/// The bounce mailbox's settings in force, as the settings page and the API show them: never the password, only
/// whether one is set; Port null is the protocol's default. Status is the last poll, as the health panel reads it.
/// </summary>
public sealed record BounceMailboxView(
    bool Enabled, string? Host, int? Port, string? Username, bool HasPassword, MailboxProtocol Protocol, MailboxSecurity Security,
    string Folder, int PollSeconds, bool AcceptSelfSignedCertificate, BounceSettingsSource Source, DateTimeOffset? UpdatedAt,
    BounceMailboxStatus Status);

/// <summary>
/// The bounce mailbox's settings: the one entry point the settings page, the API and the poller call. Settings an
/// admin saved replace the Bounces section whole; until then the section applies. Who may save (admins,
/// admin-scoped keys) is the caller's check; the service validates (BounceMailboxInputValidator), applies whole or
/// not at all, keeps the password write-only, encrypted and bound to its mailbox (BounceMailboxPasswords), and wakes
/// the poller so new settings are tried at once.
/// </summary>
public sealed class BounceMailboxSettingsService(
    IDbContextFactory<TritonDbContext> contexts,
    IOptions<BounceOptions> configured,
    BounceMailboxPasswords passwords,
    BounceMailboxConnectionTester tester,
    BounceMailboxWakeUp wakeUp,
    TimeProvider time)
{
    public const int SettingsId = 1;

    public async Task<BounceMailboxView> ReadAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ViewAsync(db, await StoredAsync(db, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// The settings a poll uses now, with the password revealed; Host null when no mailbox is to be polled.
    /// </summary>
    /// <exception cref="InvalidOperationException">The saved password cannot be opened (another key ring, a row changed behind Triton's back).</exception>
    public async Task<BounceOptions> EffectiveAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await StoredAsync(db, cancellationToken);
        if (stored is null) return configured.Value;
        var options = new BounceOptions
        {
            Host = stored.Enabled ? stored.Host : null, Port = stored.Port, Username = stored.Username,
            Protocol = stored.Protocol, Security = stored.Security, Folder = stored.Folder, PollSeconds = stored.PollSeconds,
            AcceptSelfSignedCertificate = stored.AcceptSelfSignedCertificate,
        };
        if (options.Enabled && stored.ProtectedPassword is { } sealedPassword)
            options.Password = Reveal(sealedPassword, Destination(stored));
        return options;
    }

    public async Task<ServiceResult<BounceMailboxView>> SaveAsync(BounceMailboxInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.BounceMailboxSettings.FirstOrDefaultAsync(s => s.Id == SettingsId, cancellationToken);
        var kept = KeptPassword(stored);
        if (Errors(input, kept) is { } errors) return ServiceResult<BounceMailboxView>.Invalid(errors);

        var row = stored ?? db.BounceMailboxSettings.Add(new BounceMailboxSettings { Id = SettingsId }).Entity;
        input.ApplyTo(row, ProtectedPassword(input, stored, kept), time.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (stored is null && UniqueViolation.Is(exception))
        {
            return ServiceResult<BounceMailboxView>.Conflict("Someone else saved the bounce mailbox at the same moment: reload the settings and try again.");
        }
        wakeUp.Wake();
        return ServiceResult<BounceMailboxView>.Saved(await ViewAsync(db, row, cancellationToken));
    }

    /// <summary>
    /// Tests values not saved yet (the settings page's form): validated as a save would be, so a test cannot send the
    /// password in force where a save could not; nothing is stored.
    /// </summary>
    public async Task<ServiceResult<BounceMailboxConnectionReport>> TestAsync(BounceMailboxInput input, CancellationToken cancellationToken)
    {
        KeptPasswordInForce kept;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            kept = KeptPassword(await StoredAsync(db, cancellationToken));
        if (Errors(input, kept) is { } errors) return ServiceResult<BounceMailboxConnectionReport>.Invalid(errors);
        if (input.Destination().Host is null)
            return ServiceResult<BounceMailboxConnectionReport>.Invalid("host", "'Host' must not be empty to test a connection.");
        string? password;
        try
        {
            password = input.Password ?? kept.Configured ?? (kept.Sealed is { } sealedPassword ? Reveal(sealedPassword, kept.For!) : null);
        }
        catch (InvalidOperationException exception)
        {
            return ServiceResult<BounceMailboxConnectionReport>.Saved(new(false, exception.Message));
        }
        return ServiceResult<BounceMailboxConnectionReport>.Saved(await tester.TestAsync(input.ToOptions(password is "" ? null : password), cancellationToken));
    }

    /// <summary>Whether a mailbox is polled: the saved settings when an admin saved some, else the configuration's.</summary>
    public static bool IsEnabled(BounceMailboxSettings? stored, BounceOptions configured) =>
        stored is null ? configured.Enabled : stored.Enabled && !string.IsNullOrWhiteSpace(stored.Host);

    private static Task<BounceMailboxSettings?> StoredAsync(TritonDbContext db, CancellationToken cancellationToken) =>
        db.BounceMailboxSettings.AsNoTracking().FirstOrDefaultAsync(s => s.Id == SettingsId, cancellationToken);

    private async Task<BounceMailboxView> ViewAsync(TritonDbContext db, BounceMailboxSettings? stored, CancellationToken cancellationToken)
    {
        var status = await BounceMailboxStatus.ReadAsync(db, IsEnabled(stored, configured.Value), cancellationToken);
        if (stored is not null)
            return new BounceMailboxView(stored.Enabled, stored.Host, stored.Port > 0 ? stored.Port : null, stored.Username, stored.ProtectedPassword is not null,
                stored.Protocol, stored.Security, stored.Folder, stored.PollSeconds, stored.AcceptSelfSignedCertificate, BounceSettingsSource.Saved,
                stored.UpdatedAt, status);
        var options = configured.Value;
        return new BounceMailboxView(options.Enabled, options.Enabled ? options.Host!.Trim() : null, options.Port > 0 ? options.Port : null,
            string.IsNullOrEmpty(options.Username) ? null : options.Username, !string.IsNullOrEmpty(options.Password), options.Protocol, options.Security,
            MailboxClients.IsInbox(options.Folder) ? BounceOptions.Inbox : options.Folder.Trim(), options.PollSeconds,
            options.AcceptSelfSignedCertificate, BounceSettingsSource.Configuration, null, status);
    }

    private static Dictionary<string, string[]>? Errors(BounceMailboxInput input, KeptPasswordInForce kept)
    {
        var result = new BounceMailboxInputValidator(kept.For).Validate(input);
        return result.IsValid ? null : ValidationErrors.Of(result);
    }

    /// <summary>
    /// The sealed password to store: a new one sealed for the input's mailbox, "" none; no password keeps the one in
    /// force (the validator has checked the mailbox did not change): a saved one as it is, the configuration's sealed.
    /// </summary>
    private string? ProtectedPassword(BounceMailboxInput input, BounceMailboxSettings? stored, KeptPasswordInForce kept)
    {
        if (input.Password is { Length: 0 }) return null;
        if (input.Password is { } entered) return passwords.Protect(entered, input.Destination());
        if (stored is not null) return stored.ProtectedPassword;
        return kept.Configured is { } plain ? passwords.Protect(plain, input.Destination()) : null;
    }

    private KeptPasswordInForce KeptPassword(BounceMailboxSettings? stored)
    {
        if (stored is not null)
            return stored.ProtectedPassword is null ? new(null, null, null) : new(Destination(stored), stored.ProtectedPassword, null);
        var options = configured.Value;
        return string.IsNullOrEmpty(options.Password) ? new(null, null, null)
            : new(ConfiguredDestination(options), null, options.Password);
    }

    /// <summary>The configuration as an input would say it, so its password stays with its mailbox exactly as a saved one does.</summary>
    private static MailboxDestination ConfiguredDestination(BounceOptions options) => new BounceMailboxInput
    {
        Host = options.Host, Port = options.Port > 0 ? options.Port : null, Username = options.Username,
        Protocol = EnumNames.Name(options.Protocol), Security = EnumNames.Name(options.Security),
    }.Destination();

    private static MailboxDestination Destination(BounceMailboxSettings stored) =>
        new(stored.Host, stored.Port, stored.Username, stored.Protocol, stored.Security);

    private string Reveal(string sealedPassword, MailboxDestination destination)
    {
        try
        {
            return passwords.Reveal(sealedPassword, destination);
        }
        catch (CryptographicException)
        {
            throw new InvalidOperationException("The saved bounce mailbox password cannot be decrypted (another key ring?): enter it again on the settings page.");
        }
    }

    /// <summary>The password in force and the mailbox it may go to: saved (sealed) or from the configuration (plain).</summary>
    private sealed record KeptPasswordInForce(MailboxDestination? For, string? Sealed, string? Configured);
}
