using Triton.Core.Domain;

namespace Triton.Web.Components.Campaigns;

/// <summary>What the campaign page's prerender read, persisted in the page for its interactive render.</summary>
/// <param name="TestRecipient">The user's default test recipient, which prefills the test form.</param>
public sealed record CampaignPageState(int CampaignId, string? TimeZone, Campaign? Campaign, string? TestRecipient);
