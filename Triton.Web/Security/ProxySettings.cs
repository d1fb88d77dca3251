using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Triton.Web.Security;

/// <summary>
/// Triton:ForwardedHeaders: the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are
/// believed. Empty (the default) believes nobody, so a client cannot claim another address or HTTPS.
/// </summary>
public sealed class ProxySettings
{
    public const string Section = "Triton:ForwardedHeaders";

    /// <summary>Addresses of the proxies, e.g. "10.0.0.5" or "::1".</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of the proxies in CIDR notation, e.g. "172.18.0.0/16".</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>Turns <see cref="ProxySettings"/> into ASP.NET Core's forwarded-headers options, refusing bad entries by name.</summary>
public sealed class ConfigureForwardedHeaders(IOptions<ProxySettings> settings) : IConfigureOptions<ForwardedHeadersOptions>
{
    public void Configure(ForwardedHeadersOptions options)
    {
        // Only the configured proxies: not even loopback is trusted by default. With both lists empty
        // ASP.NET Core would believe every sender, so then nothing is forwarded at all.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        var configured = settings.Value.KnownProxies.Concat(settings.Value.KnownNetworks).Any(p => !string.IsNullOrWhiteSpace(p));
        options.ForwardedHeaders = configured ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
        // Walk the chain from the right while each hop is a known proxy; the first other address is the client.
        options.ForwardLimit = null;
        foreach (var proxy in settings.Value.KnownProxies.Where(p => !string.IsNullOrWhiteSpace(p)))
            options.KnownProxies.Add(IPAddress.TryParse(proxy.Trim(), out var address)
                ? address
                : throw new OptionsValidationException(ProxySettings.Section, typeof(ProxySettings),
                    [$"{ProxySettings.Section}:KnownProxies: '{proxy}' is not an IP address."]));
        foreach (var network in settings.Value.KnownNetworks.Where(n => !string.IsNullOrWhiteSpace(n)))
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network.Trim(), out var parsed)
                ? parsed
                : throw new OptionsValidationException(ProxySettings.Section, typeof(ProxySettings),
                    [$"{ProxySettings.Section}:KnownNetworks: '{network}' is not a network in CIDR notation (e.g. 10.0.0.0/8)."]));
    }
}
