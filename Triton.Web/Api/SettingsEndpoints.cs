using Triton.Core.Bounces;
using Triton.Core.Domain;

namespace Triton.Web.Api;

/// <summary>The bounce mailbox's settings as the API shows them: never the password, only whether one is set; port null is the protocol's default.</summary>
public sealed record BounceMailboxResponse(
    bool Enabled, string? Host, int? Port, string? Username, bool HasPassword, string Protocol, string Security, string Folder,
    int PollSeconds, bool AcceptSelfSignedCertificate, string Source, DateTimeOffset? UpdatedAt, BounceMailboxStatus Status)
{
    public static BounceMailboxResponse From(BounceMailboxView v) => new(
        v.Enabled, v.Host, v.Port, v.Username, v.HasPassword, EnumNames.Name(v.Protocol), EnumNames.Name(v.Security), v.Folder,
        v.PollSeconds, v.AcceptSelfSignedCertificate, EnumNames.Name(v.Source), v.UpdatedAt, v.Status);
}

/// <summary>
/// /api/settings/bounce-mailbox: the bounce mailbox's settings through <see cref="BounceMailboxSettingsService"/>, as
/// the admin's settings page has them. Admin keys only, reads too: they name the mailbox and its login.
/// </summary>
public static class SettingsEndpoints
{
    public static void MapSettingsEndpoints(this RouteGroupBuilder api)
    {
        var mailbox = api.MapGroup("/settings/bounce-mailbox").RequireApiScope(ApiScope.Admin);

        mailbox.MapGet("/", async (BounceMailboxSettingsService service, CancellationToken ct) =>
            TypedResults.Ok(BounceMailboxResponse.From(await service.ReadAsync(ct))));

        mailbox.MapPut("/", async (BounceMailboxInput? input, BounceMailboxSettingsService service, CancellationToken ct) =>
            input is null ? ValidationFilter.BodyRequired() : (await service.SaveAsync(input, ct)).ToHttp("bounce mailbox", BounceMailboxResponse.From));

        // Tries the body's values (a blank password: the one in force) without saving them.
        mailbox.MapPost("/test-connection", async (BounceMailboxInput? input, BounceMailboxSettingsService service, CancellationToken ct) =>
            input is null ? ValidationFilter.BodyRequired() : (await service.TestAsync(input, ct)).ToHttp("bounce mailbox", r => r));
    }
}
