using Triton.Core.Domain;

namespace Triton.Web.Components.Campaigns;

/// <summary>What the campaign page's prerender read, persisted in the page for its interactive render.</summary>
public sealed record CampaignPageState(int CampaignId, string? TimeZone, Campaign? Campaign);
